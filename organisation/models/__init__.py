"""The organisation: its pages, its structure (units, people, positions) and its
members."""

from .members import Industry, MemberCompany, MembershipTier, Region
from .pages import CommitteeIndexPage, CommitteePage, OrganisationIndexPage
from .structure import ROLES, OrgUnit, Person, Position, role_label

__all__ = [
    "ROLES",
    "CommitteeIndexPage",
    "CommitteePage",
    "Industry",
    "MemberCompany",
    "MembershipTier",
    "OrgUnit",
    "OrganisationIndexPage",
    "Person",
    "Position",
    "Region",
    "role_label",
]
