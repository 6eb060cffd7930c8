"""The demo school's published words: a SEN Information Report for last year (approved) and this year (written,
waiting for the board), a policy calendar with something overdue and something due this term, and an
accessibility plan part-way through. Made up, like the rest of the demo; no pupil is named."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..db import Database
from .policies import add_months

DEMO_TEXT = {
    "kinds_of_need": "We are a mainstream school for pupils with a wide range of needs in all four broad areas: "
                     "communication and interaction, cognition and learning, social, emotional and mental health, and "
                     "sensory and/or physical needs.",
    "identification": "Any member of staff who notices a pupil struggling raises a concern with the SENCO. We look at "
                      "the pupil's work, assessments and attendance, talk with the pupil and their parents, and decide "
                      "together whether the pupil needs SEN support.",
    "evaluating": "Every intervention is measured when a pupil starts and when they finish. Each term the SENCO and "
                  "senior leaders look at which interventions made a difference, and stop or change those that did not.",
    "progress": "Each pupil on SEN support has a plan that is reviewed at least three times a year with the pupil and "
                "their parents. Pupils with an EHC plan also have an annual review with the local authority.",
    "teaching": "High-quality teaching, adapted for each class, comes first. Where a pupil needs more, we follow the "
                "graduated approach: assess, plan, do and review.",
    "adaptations": "Teachers adapt lessons with visual supports, pre-teaching of vocabulary, scaffolds for writing and "
                   "movement breaks. The building has a lift, ramps and a quiet room.",
    "additional_support": "Additional support includes small-group reading and numeracy interventions, speech and "
                          "language programmes, social skills groups and in-class support from teaching assistants.",
    "activities": "All clubs, trips and sports are open to every pupil. We plan visits in advance so that any "
                  "adjustments are in place, and talk with families about what will help.",
    "wellbeing": "Every pupil has a tutor who knows them well. Our pastoral team runs a nurture group and mentoring, "
                 "and pupils can ask to see the school counsellor. Bullying is never accepted.",
    "senco": "Our SENCO holds the National Professional Qualification for Special Educational Needs Co-ordinators. "
             "Contact the SENCO through the school office on 0113 496 0000 or senco@example.sch.uk.",
    "expertise": "All staff have training every year in the needs most common in our school. Teaching assistants have "
                 "enhanced training in the programmes they deliver, and we buy in specialist advice where needed.",
    "equipment": "Equipment a pupil needs, such as a writing slope, a laptop or a radio aid, is bought from the "
                 "school's SEN budget or secured with the local authority's specialist services.",
    "parents": "Parents are invited to every review of their child's plan, and can contact the SENCO at any time. "
               "We hold two information evenings a year for parents of pupils with SEND.",
    "pupils": "Pupils write their own one-page profile and give their views before each review. Our student council "
              "includes pupils with SEND.",
    "complaints": "Please talk to your child's tutor or the SENCO first. If you are not satisfied, our complaints "
                  "policy on the school website explains how to make a formal complaint to the headteacher and then "
                  "the governing board.",
    "other_bodies": "We work with the educational psychology service, speech and language therapy, occupational "
                    "therapy, CAMHS, the school nurse and early help, and refer families to them where that will help.",
    "support_services": "The local SEND information, advice and support service gives free, impartial advice to "
                        "parents: see the local authority's local offer for contact details.",
    "transition": "We visit pupils in their current school before they join, offer extra visits, and pass on plans. "
                  "From Year 9 we plan for adulthood with each pupil with SEND, including careers guidance.",
    "local_offer": "The local authority's local offer is published on its website, under 'SEND local offer'.",
    "accessibility": "We admit disabled pupils on the same terms as everyone else, and make reasonable adjustments so "
                     "they are never treated less favourably. Our accessibility plan sets out how we improve access to "
                     "the curriculum, the building and information.",
}


def seed_demo_publishing(db: Database, as_of: date) -> None:
    """Give each demo school its report text (last year and this), the board's approval of last year's,
    a policy calendar and an accessibility plan."""
    year = as_of.year if as_of.month >= 9 else as_of.year - 1
    schools = [int(s) for (s,) in db.query_rows("demo_school_ids")]
    policies = [  # (key, title, owner, months before as_of it was last approved, cycle)
        ("sen_information_report", "SEN Information Report", "SENCO", 12, None),
        ("sen_policy", "SEN policy", "SENCO", 14, 12),
        ("accessibility_plan", "Accessibility plan", "Business manager", 20, None),
        ("equality_objectives", "Equality objectives", "Headteacher", 30, None),
        ("behaviour_policy", "Behaviour policy", "Deputy headteacher", 11, 12),
        ("pupil_premium", "Pupil Premium strategy statement", "Pupil premium lead", 11, None),
        ("local_offer", "Our contribution to the local offer", "SENCO", 6, 12),
    ]
    actions = [  # (strand, action, owner, target in days from as_of, status, done days before as_of)
        ("curriculum", "Train all teachers in adapting reading materials for pupils with dyslexia", "SENCO", -60, "done", 70),
        ("curriculum", "Buy assistive technology for writing in each department", "Business manager", 45, "in progress", None),
        ("curriculum", "Review the PE curriculum so every pupil can take part in each unit", "Head of PE", -20, "in progress", None),
        ("environment", "Fit an accessible toilet on the first floor", "Site manager", -120, "done", 130),
        ("environment", "Mark step edges with contrasting strips", "Site manager", 90, "not started", None),
        ("environment", "Create a second quiet room for pupils who need a calm space", "Deputy headteacher", -10, "not started", None),
        ("information", "Publish letters home in large print on request", "Office manager", -30, "done", 40),
        ("information", "Add audio versions of key school information to the website", "Business manager", 120, "in progress", None),
    ]

    at = datetime.combine(as_of, time(16, 0))  # last year's text was written before last year's approval below
    before = datetime.combine(add_months(as_of, -12), time(9, 0))

    def work(w):
        for school in schools:
            for y in (year - 1, year):
                for heading, body in DEMO_TEXT.items():
                    w.run("publishing_demo_text", school_id=school, academic_year=y, heading=heading, body=body,
                          updated_by="senco", at=before if y < year else at)
            w.run("publishing_demo_approve", school_id=school, academic_year=year - 1, approved_by="governor",
                  approver_name="Chair of governors", approved_on=add_months(as_of, -12),
                  at=datetime.combine(add_months(as_of, -12), time(18, 0)))
            for key, title, owner, ago, cycle in policies:
                slug = key.replace("_", "-")
                w.run("publishing_demo_policy", school_id=school, policy_key=key, title=title, owner=owner,
                      last_approved=add_months(as_of, -ago) + timedelta(days=-3), cycle_months=cycle,
                      url=f"https://www.example.sch.uk/policies/{slug}", updated_by="demo", at=at)
            for strand, action, owner, target, status, done_ago in actions:
                w.run("publishing_demo_action", school_id=school, strand=strand, action=action, owner=owner,
                      target_date=as_of + timedelta(days=target), status=status,
                      done_on=None if done_ago is None else as_of - timedelta(days=done_ago), updated_by="demo", at=at)

    db.write(work)
