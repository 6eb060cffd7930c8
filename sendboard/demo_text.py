"""Word pools for the demo generator (sendboard.demo): names, schools, phrases. All written for sendboard."""
from __future__ import annotations

# Real English local authorities with their DfE LA numbers (used in UPNs).
LOCAL_AUTHORITIES = [
    ("Birmingham", 330), ("Leeds", 383), ("Manchester", 352), ("Kent", 886), ("Essex", 881),
    ("Hampshire", 850), ("Lancashire", 888), ("Bristol, City of", 801), ("Sheffield", 373),
    ("Nottinghamshire", 891), ("Norfolk", 926), ("Devon", 878), ("Surrey", 936), ("Derbyshire", 830),
    ("Leicestershire", 855), ("Staffordshire", 860), ("Cornwall", 908), ("Liverpool", 341),
    ("Newcastle upon Tyne", 391), ("Suffolk", 935), ("Bradford", 380), ("Wakefield", 384),
    ("Coventry", 331), ("Leicester", 856), ("Nottingham", 892), ("Southampton", 852),
]

SCHOOL_PREFIXES = [
    "Oakfield", "Riverside", "Kingsmead", "Hollybrook", "Ashcroft", "Meadowview", "Castle View", "Beechwood",
    "Fernhill", "Highfield", "Northgate", "Westbury", "Elmridge", "Brookside", "Thornbury", "Millfield",
    "Parkside", "Greenacre", "Hillcrest", "Redwood", "Willowbank", "Foxhill", "Stonebridge", "Larkrise",
    "St Mary's", "St Aidan's", "St John's", "Holy Trinity", "Bramley", "Chalkwell", "Deansfield", "Eastfield",
    "Fairway", "Glebelands", "Harrowden", "Ivydale", "Juniper Hill", "Kestrel Park", "Longmoor", "Marshlands",
    "Newbridge", "Orchard Vale", "Pennine", "Queensway", "Rosewood", "Sandfield", "Tollgate", "Upton Heath",
    "Valley Road", "Wharfedale",
]
SCHOOL_SUFFIXES = {
    "secondary": ["Academy", "School", "High School", "Community College"],
    "primary": ["Primary School", "Primary Academy", "Community Primary School", "Junior and Infant School"],
}
TRUST_NAMES = ["Oakfield Learning Trust", "Kingfisher Academy Trust", "Meridian Learning Partnership",
               "Evergreen Schools Trust", "Compass Education Trust", "Harbour Learning Trust"]

# Diverse name pools (common UK names of various heritages); Faker en_GB covers the rest.
DIVERSE = {
    "south_asian": (
        ["Aarav", "Arjun", "Rohan", "Ayaan", "Ibrahim", "Zain", "Hamza", "Rayyan", "Vihaan", "Kabir", "Harjit",
         "Imran", "Bilal", "Dev", "Ishaan"],
        ["Aisha", "Priya", "Anaya", "Zara", "Maryam", "Fatima", "Amara", "Inaya", "Simran", "Kiran", "Nimra",
         "Sana", "Riya", "Jasmin", "Hafsa"],
        ["Patel", "Khan", "Ahmed", "Hussain", "Begum", "Ali", "Singh", "Kaur", "Shah", "Iqbal", "Sharma",
         "Mahmood", "Chowdhury", "Rahman", "Akhtar", "Bibi", "Gill", "Sandhu", "Malik", "Mistry"],
    ),
    "african": (
        ["Tobi", "Kwame", "Chidi", "Emeka", "Kofi", "Tunde", "David", "Samuel", "Daniel", "Femi", "Olu", "Yusuf"],
        ["Adaeze", "Amara", "Chioma", "Ama", "Zainab", "Esther", "Grace", "Tolu", "Ife", "Nia", "Blessing", "Abena"],
        ["Okafor", "Adeyemi", "Mensah", "Okoro", "Boateng", "Mohamed", "Abdi", "Osei", "Adebayo", "Eze",
         "Nwosu", "Asante", "Owusu", "Afolabi", "Hassan"],
    ),
    "caribbean": (
        ["Marcus", "Jaden", "Tyrone", "Malachi", "Isaiah", "Jordan", "Kai", "Reuben", "Nathan", "Elijah"],
        ["Shanice", "Tianna", "Keisha", "Jada", "Aaliyah", "Imani", "Naomi", "Leah", "Chantelle", "Ruby"],
        ["Campbell", "Clarke", "Francis", "Grant", "Henry", "Thomas", "Brown", "Williams", "Reid", "Morgan",
         "Bailey", "Lewis", "Richards", "Gordon"],
    ),
    "polish": (
        ["Jakub", "Kacper", "Szymon", "Filip", "Mikolaj", "Antoni", "Oskar", "Wiktor", "Bartosz", "Tomasz"],
        ["Zuzanna", "Julia", "Maja", "Zofia", "Hanna", "Lena", "Natalia", "Oliwia", "Wiktoria", "Alicja"],
        ["Nowak", "Kowalski", "Wisniewski", "Wojcik", "Kaminski", "Lewandowski", "Zielinski", "Szymanski",
         "Dabrowski", "Kozlowski", "Mazur", "Krawczyk"],
    ),
    "arabic": (
        ["Omar", "Yusuf", "Adam", "Khalid", "Tariq", "Karim", "Samir", "Ali", "Mustafa", "Idris"],
        ["Layla", "Noor", "Mariam", "Yasmin", "Salma", "Huda", "Amira", "Leila", "Rania", "Safiya"],
        ["Haddad", "Mansour", "Nasser", "Saleh", "Darwish", "Khalil", "Farouk", "Hamdan", "Aziz", "Qureshi"],
    ),
}

TRAINING_COURSES = {
    "CI": ["Autism awareness", "Understanding speech, language and communication needs",
           "Autism Education Trust: making sense of autism", "Visual supports in the classroom"],
    "CL": ["Dyslexia-friendly teaching", "Precision teaching", "Supporting working memory",
           "Adaptive teaching for cognition and learning"],
    "SEMH": ["Trauma-informed practice", "Emotion coaching", "Zones of Regulation",
             "Attachment and the classroom", "Mental health first aid (youth)"],
    "SP": ["Deaf awareness", "Supporting pupils with visual impairment", "Moving and handling",
           "Sensory processing basics"],
    "OTH": ["SEND Code of Practice refresher", "Writing effective support plans"],
}

CONCERN_REASONS = {
    "CI": ["Finds group work very hard; withdraws in unstructured time", "Difficulty following spoken instructions",
           "Limited expressive vocabulary noticed in class discussion"],
    "CL": ["Reading age well below chronological age", "Slow progress in maths despite quality first teaching",
           "Struggles to retain new spellings; parent also concerned"],
    "SEMH": ["Frequent low mood reported by form tutor", "Several incidents of dysregulation at break times",
             "Attendance dropping and anxious about lessons"],
    "SP": ["Possible hearing difficulty: often asks for repetition", "Handwriting very laboured; fatigue in long tasks",
           "Squints at the board; eye test suggested"],
}
CONCERN_OUTCOMES = ["Added to SEN support", "No further action: progress now in line", "Referred to school nurse",
                    "Continue monitoring next term"]

STRENGTHS = ["Kind and thoughtful with younger pupils", "Excellent memory for facts", "Creative in art and design",
             "Works hard when the task is clear", "Great sense of humour", "Confident speaker in small groups",
             "Strong at practical, hands-on tasks", "Very knowledgeable about animals", "Loyal friend",
             "Good at spotting patterns in number", "Enthusiastic in PE", "Careful and neat presentation"]
INTERESTS = ["football", "drawing and manga", "Minecraft", "dinosaurs", "music and drumming", "cooking",
             "horse riding", "coding", "swimming", "Lego", "space", "dance", "fishing with grandad", "gaming"]
WHAT_HELPS = {
    "CI": ["Visual timetable and warning before changes", "Instructions given one step at a time",
           "A quiet space to go to when overwhelmed", "Key vocabulary pre-taught before lessons"],
    "CL": ["Worked examples on the desk", "Coloured overlay and larger font", "Extra thinking time before answering",
           "Chunked tasks with a checklist", "Word mat for subject vocabulary"],
    "SEMH": ["A trusted adult to check in with each morning", "Movement breaks", "Calm, private reminders",
             "Being given a job to do", "Seat near the door"],
    "SP": ["Sitting near the front, facing the teacher", "Radio aid used consistently", "Enlarged resources",
           "Writing slope and pencil grip", "Extra time to move between lessons"],
    "OTH": ["Regular check-ins with the SENCO", "Clear routines"],
}
WHAT_NOT = ["Being asked to read aloud without warning", "Loud, crowded corridors", "Sudden changes to routine",
            "Long lists of instructions", "Being singled out in front of the class", "Copying from the board",
            "Sarcasm or ambiguous language"]
PUPIL_VOICE = ["I like it when I know what is happening next.", "Group work is hard for me.",
               "I work best when it is quiet.", "I want to get better at reading.",
               "I like having someone to talk to at break.", "Maths is getting easier.",
               "I don't like being rushed.", "The coloured paper helps.", "I feel happier at school this term.",
               "I want people to know I am trying."]
PARENT_VOICE = ["Home reading is going well.", "We have noticed more confidence at home.",
                "Mornings are still difficult.", "Please keep us updated weekly.",
                "Homework causes a lot of stress at home.", "Really pleased with the support so far.",
                "Sleep has been a problem recently.", "Would like more information about the next steps."]
ASSESS_NOTES = {
    "CI": "Observation and speech and language screen show difficulty with receptive language.",
    "CL": "Standardised reading and spelling scores below 85; teacher assessment confirms gaps.",
    "SEMH": "Boxall profile and SDQ indicate difficulties with emotional regulation.",
    "SP": "Specialist advisory teacher report received; access arrangements needed.",
    "OTH": "Needs being assessed; monitoring through class teacher feedback.",
}
TARGETS = {
    "CI": ["Will follow a two-step instruction in class without adult prompting",
           "Will use a visual timetable to move between activities independently",
           "Will take turns in a small group game for 10 minutes", "Will ask for help using an agreed signal",
           "Will use 5 new subject words correctly in speaking"],
    "CL": ["Will read 100 high-frequency words accurately", "Will spell 8 of 10 weekly words correctly",
           "Will recall times tables to 10x10 within 5 seconds", "Will write a paragraph using a writing frame",
           "Will increase reading age by 6 months"],
    "SEMH": ["Will use a calm-down strategy when upset, with one prompt", "Will attend every morning registration",
             "Will name three feelings and what helps with each", "Will stay in class for whole lessons 4 days a week",
             "Will join a lunchtime club once a week"],
    "SP": ["Will use the radio aid in every lesson", "Will form letters correctly using a pencil grip",
           "Will ask for enlarged materials when needed", "Will organise equipment for each lesson independently"],
    "OTH": ["Will check in with a key adult daily", "Will complete homework using the homework club"],
}
# Targets for pupils in Years 7 to 11: the same broad areas, pitched at secondary school (no handwriting
# grips or high-frequency word lists; subject lessons, independence, exams and moving between rooms).
TARGETS_SECONDARY = {
    "CI": ["Will follow a multi-step instruction in lessons using a written checklist",
           "Will use the key vocabulary list to explain an idea in two subjects each week",
           "Will ask a teacher for clarification using an agreed signal or card",
           "Will take part in paired discussion in English and science lessons",
           "Will use a visual timetable to prepare for changes of room and teacher"],
    "CL": ["Will use a reading pen or text-to-speech for subject texts independently",
           "Will plan extended writing with a structure strip in English and humanities",
           "Will use a spelling strategy to self-correct subject vocabulary",
           "Will complete homework set on the online platform each week, using the homework club",
           "Will raise reading comprehension standardised score by 5 points"],
    "SEMH": ["Will use the agreed time-out pass, returning to the lesson within 10 minutes",
             "Will attend every morning registration", "Will check in with a key adult at the start of each day",
             "Will stay in class for whole lessons 4 days a week",
             "Will name early signs of anxiety and choose a strategy from the support plan"],
    "SP": ["Will use the radio aid in every lesson", "Will use a laptop for extended writing in all subjects",
           "Will ask for enlarged or modified materials when needed",
           "Will use the lift pass and leave lessons 5 minutes early to move safely between rooms"],
    "OTH": ["Will check in with a key adult daily", "Will complete homework using the homework club"],
}
REVIEW_NOTES = {
    "not_yet": ["No measurable progress yet; strategy to be changed.", "Target not met; attendance at sessions low.",
                "Still finding this very difficult."],
    "emerging": ["Some progress with prompting.", "Beginning to show this in small groups.",
                 "Progress seen in sessions, not yet in class."],
    "achieved": ["Target met consistently.", "Achieved; now doing this independently.", "Met in all settings."],
    "exceeded": ["Exceeded expectations; new target set.", "Well beyond the target; growing independence."],
}
EHC_REVIEW_NOTES = ["Outcomes reviewed; provision continues unchanged.", "Hours amended following review.",
                    "Good progress; two outcomes met and new ones agreed.", "Parents raised concerns about transport.",
                    "Specialist advice to be updated before next review.", "Transition planning discussed."]
PFA_OUTCOMES = {
    "employment": ["Will complete a work experience placement with support", "Will explore college courses in catering",
                   "Will write a CV with a mentor"],
    "independent_living": ["Will travel to school independently on the bus", "Will manage a weekly budget",
                           "Will prepare a simple meal"],
    "health": ["Will manage their own medication with prompts", "Will attend health appointments with a parent",
               "Will use strategies to manage anxiety"],
    "community": ["Will join a local youth club", "Will take part in a community volunteering project",
                  "Will keep in touch with friends outside school"],
}

# Popular first names for children born in England and Wales 2008-2022 (for pupils; Faker's en_GB
# first names skew older and are used for staff).
PUPIL_BOYS = ["Oliver", "Jack", "Harry", "George", "Noah", "Charlie", "Jacob", "Alfie", "Freddie", "Oscar", "Leo",
              "Logan", "Archie", "Theo", "Thomas", "James", "Joshua", "Henry", "William", "Max", "Lucas", "Ethan",
              "Arthur", "Mason", "Isaac", "Harrison", "Teddy", "Finley", "Daniel", "Riley", "Edward", "Joseph",
              "Alexander", "Adam", "Reggie", "Samuel", "Jaxon", "Sebastian", "Elijah", "Harley", "Toby", "Arlo",
              "Dylan", "Jude", "Benjamin", "Rory", "Tommy", "Jake", "Louie", "Carter", "Jenson", "Hugo", "Bobby",
              "Frankie", "Ollie", "Zachary", "David", "Albie", "Lewis", "Luca", "Ronnie", "Jackson", "Matthew",
              "Alex", "Harvey", "Reuben", "Jayden", "Caleb", "Hunter", "Theodore", "Nathan", "Blake", "Luke",
              "Elliot", "Kai", "Connor", "Ryan", "Callum", "Kian", "Liam", "Tyler", "Ben", "Sam", "Owen", "Evan"]
PUPIL_GIRLS = ["Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia", "Grace",
               "Freya", "Willow", "Florence", "Emily", "Ella", "Poppy", "Evie", "Elsie", "Charlotte", "Evelyn",
               "Sienna", "Sofia", "Daisy", "Phoebe", "Sophie", "Alice", "Harper", "Matilda", "Ruby", "Emilia",
               "Maya", "Millie", "Isabelle", "Holly", "Jessica", "Chloe", "Erin", "Scarlett", "Lucy", "Layla",
               "Esme", "Imogen", "Eliza", "Ellie", "Hannah", "Lola", "Molly", "Megan", "Lacey", "Amber", "Bethany",
               "Abigail", "Niamh", "Katie", "Leah", "Georgia", "Eva", "Nancy", "Zara", "Mollie", "Aria", "Thea",
               "Robyn", "Summer", "Jasmine", "Paige", "Keira", "Caitlin", "Tilly", "Maisie", "Darcy", "Lexi"]
