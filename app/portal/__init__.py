"""Applicants online: accounts bound to a subject, confirmed by the bureau's clerk;
applications for early removal, answers to steps the diagrams give to the party
(step_kind supplement and statement), documents served electronically."""

# Steps an applicant may complete online, by the kind the diagram gives them.
PARTY_STEP_KINDS = {"supplement": "补正材料", "statement": "陈述、申辩"}
