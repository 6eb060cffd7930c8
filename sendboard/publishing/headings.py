"""The headings of the SEN Information Report, in the order of Schedule 1 to the Special Educational Needs
and Disability Regulations 2014 (regulation 51), with the duty the Children and Families Act 2014
(section 69(3)) adds about disabled pupils and the accessibility plan.

Each heading names the legal paragraph it answers, what the school should say under it (a prompt for the
person writing), and which of sendboard's figures go under it (keys of the governors' pack sections, built
by sendboard/governors/figures.py and protected by the pack's disclosure control).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    key: str
    title: str
    source: str
    prompt: str
    figures: tuple[str, ...] = ()


HEADINGS: tuple[Heading, ...] = (
    Heading("kinds_of_need", "The kinds of special educational needs we provide for", "Schedule 1, paragraph 1",
            "The needs the school makes provision for, in the four broad areas of need.", ("register", "need_mix")),
    Heading("identification", "How we identify and assess pupils with special educational needs",
            "Schedule 1, paragraph 2",
            "How a concern is raised, who assesses, and how the school decides a pupil needs SEN support."),
    Heading("evaluating", "How we evaluate the effectiveness of our provision", "Schedule 1, paragraph 3(a)",
            "How the school checks that what it provides works, and what it changed as a result.", ("impact",)),
    Heading("progress", "How we assess and review pupils' progress", "Schedule 1, paragraph 3(b)",
            "Assess, plan, do, review: how often plans are reviewed, and annual reviews of EHC plans.", ("reviews",)),
    Heading("teaching", "Our approach to teaching pupils with special educational needs", "Schedule 1, paragraph 3(c)",
            "High-quality teaching for every pupil, and the graduated approach."),
    Heading("adaptations", "How we adapt the curriculum and the learning environment", "Schedule 1, paragraph 3(d)",
            "Adaptations to lessons, resources, the timetable and the building."),
    Heading("additional_support", "Additional support for learning", "Schedule 1, paragraph 3(e)",
            "The interventions and support available beyond the classroom."),
    Heading("activities", "Taking part in all the activities of the school", "Schedule 1, paragraph 3(f)",
            "How pupils with SEN join in clubs, trips, sport and school life with their classmates."),
    Heading("wellbeing", "Support for emotional, mental and social development", "Schedule 1, paragraph 3(g)",
            "Pastoral support, pupils' views, and how bullying is prevented."),
    Heading("senco", "Our special educational needs co-ordinator (SENCO)", "Schedule 1, paragraph 4",
            "The SENCO's name and how to contact them."),
    Heading("expertise", "The expertise and training of our staff", "Schedule 1, paragraph 5",
            "Training staff have had, and how specialist expertise is secured.", ("training",)),
    Heading("equipment", "Equipment and facilities", "Schedule 1, paragraph 6",
            "How equipment and facilities pupils need are secured."),
    Heading("parents", "Consulting and involving parents", "Schedule 1, paragraph 7",
            "How parents are consulted about, and involved in, their child's education."),
    Heading("pupils", "Consulting and involving pupils", "Schedule 1, paragraph 8",
            "How pupils' own views shape their support."),
    Heading("complaints", "Complaints", "Schedule 1, paragraph 9",
            "How a parent raises a concern or complaint about SEN provision, and to whom."),
    Heading("other_bodies", "Working with health, social care and other bodies", "Schedule 1, paragraph 10",
            "How the school works with health and social care, local authority services and voluntary organisations, "
            "and supports families."),
    Heading("support_services", "Support services for parents", "Schedule 1, paragraph 11",
            "Contact details of support services for parents, including the local SEND information, advice and "
            "support service."),
    Heading("transition", "Moving between phases and preparing for adulthood", "Schedule 1, paragraph 12",
            "Support when pupils join, change phase or leave, and preparing for adulthood and independent living."),
    Heading("local_offer", "The local authority's local offer", "Schedule 1, paragraph 13",
            "Where the local authority publishes its local offer (a web address)."),
    Heading("accessibility", "Disabled pupils: admission, equal treatment and our accessibility plan",
            "Children and Families Act 2014, section 69(3)",
            "How disabled pupils are admitted and treated no less favourably, the facilities that help them get in "
            "and around, and the accessibility plan.", ("accessibility",)),
)

HEADINGS_BY_KEY = {h.key: h for h in HEADINGS}
