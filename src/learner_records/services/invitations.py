"""Invitations: a learner's one-time code to set up their account, and the recovery of an account that someone
else set up. The identity-proof rule these follow is written down in domain.sharing.

Every step is written to the access log under the learner's ULN: issued, refused, redeemed (the account
created), a failed redemption, revoked, and an account detached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..domain.access import TYPED_CREDENTIAL
from ..domain.checks import FieldChecks
from ..domain.errors import Conflict, InsufficientAccess, InvalidField, NotFound
from ..domain.learner import Learner, check_name, parse_date, validate_uln
from ..domain.plr import check_reason
from ..domain.sharing import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_FAILED_ATTEMPTS,
    Invitation,
    InvitationState,
    ShareState,
    check_code,
    check_proof,
    format_code,
    hash_secret,
    identity_not_proved,
    identity_proved,
    invitation_expiry,
    unknown_code,
)
from ..domain.users import Permission, Role, User, check_email
from .password_policy import PasswordPolicy
from .portal_ports import Detachment
from .ports import AccessEntry, Clock, UnitOfWork, UnitOfWorkFactory
from .register import resolve_master, to_record
from .user_ports import NewUser, PasswordHasher

# The same answer for a ULN that is not on the register and for a learner the organisation does not know, so
# that the page tells nobody which ULNs exist.
NOT_YOUR_LEARNER = ("You can invite only a learner your organisation registered, or whose learning record shows a"
                    " course or award with your organisation: ULN {uln} is not one of them")  # fmt: skip


@dataclass(frozen=True, slots=True)
class IssuedInvitation:
    code: str  # shown once, in groups of four: only its hash is kept
    invitation: Invitation
    learner_name: str


@dataclass(frozen=True, slots=True)
class LearnerAccount:
    """What an administrator sees of a learner's sign-in: the account, invitations still open, past detachments."""

    learner: Learner
    account: User | None
    invitations: list[Invitation]
    detachments: list[Detachment]


def learner_name(learner: Learner) -> str:
    details = learner.details
    return f"{details.preferred_given_name or details.given_name} {details.family_name}"


def _ulns(learner: Learner) -> list[str]:
    return [learner.uln, *learner.linked_ulns]


class InvitationService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        hasher: PasswordHasher,
        randbelow: Callable[[int], int],
        *,
        policy: PasswordPolicy,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._hasher = hasher
        self._policy = policy
        self._randbelow = randbelow

    def _log(self, uow: UnitOfWork, by: User | None, user_name: str, action: str, uln: str | None) -> None:
        organisation_id, credential = (by.organisation_id, None) if by else (None, TYPED_CREDENTIAL)
        uow.access_log.record([AccessEntry(self._clock.now(), organisation_id, user_name[:128], action, uln,
                                           credential)])  # fmt: skip

    # Issuing

    def issue(self, by: User, uln: str, proof: str = "") -> IssuedInvitation:
        """A one-time code for the learner with this ULN to set up their sign-in, valid for 14 days; it revokes the
        learner's older outstanding codes. An organisation invites only a learner it knows (see domain.sharing);
        an administrator invites anyone on the register, saying how they checked the person (`proof`)."""
        administrator = by.may(Permission.ADMINISTER)
        if not (administrator or by.may(Permission.REGISTER_LEARNER) or by.may(Permission.UPDATE_LEARNER)):
            raise InsufficientAccess(f"A {by.role.label.lower()} may not invite learners")
        checks = FieldChecks()
        wanted = checks.take(validate_uln, uln.strip(), "uln")
        checked = checks.take(check_proof, proof) if administrator else None
        checks.done()
        assert wanted is not None
        code = self._random(CODE_LENGTH)
        now = self._clock.now()
        with self._uow(write=True) as uow:
            stored = uow.learners.get(wanted)
            learner = resolve_master(uow.learners, stored) if stored else None
            if not administrator and (learner is None or not self._knows(uow, by, learner)):
                self._log(uow, by, by.email, "invitation_refused", learner.uln if learner else None)
                uow.commit()
                raise InsufficientAccess(NOT_YOUR_LEARNER.format(uln=wanted))
            if learner is None:
                raise NotFound(f"No learner on the register has the ULN {wanted}")
            if uow.users.for_uln(learner.uln) is not None:
                raise Conflict("This learner has an account already: they sign in with their email address")
            for older in uow.invitations.not_used(_ulns(learner)):
                if uow.invitations.revoke(older.id, now, by.email):
                    self._log(uow, by, by.email, "invitation_revoked", learner.uln)
            invitation = Invitation(0, learner.uln, by.organisation_id, by.email, now, invitation_expiry(now),
                                    proof=checked)  # fmt: skip
            invitation = uow.invitations.add(hash_secret(code), invitation)
            self._log(uow, by, by.email, "invitation_issued", learner.uln)
            uow.commit()
        return IssuedInvitation(format_code(code), invitation, learner_name(learner))

    def _random(self, length: int) -> str:
        return "".join(CODE_ALPHABET[self._randbelow(len(CODE_ALPHABET))] for _ in range(length))

    @staticmethod
    def _knows(uow: UnitOfWork, by: User, learner: Learner) -> bool:
        if by.organisation_id is None:
            return False
        organisation = uow.organisations.get(by.organisation_id)
        return organisation is not None and uow.invitations.knows(organisation.id, organisation.ukprn, _ulns(learner))

    # Redeeming

    def redeem(self, code: str, family_name: str, date_of_birth: str, email: str, password: str) -> User:
        """A learner's account for the invitation's ULN, for someone who has the code and knows the learner's
        family name and date of birth; the code is used up. A wrong family name or date of birth counts against
        the invitation (void after 5) and is refused without saying which; a used, expired, revoked or unknown
        code, or an email that has an account, is refused and no account is made."""
        checks = FieldChecks()
        typed = checks.take(check_code, code)
        family = checks.take(check_name, family_name.strip(), "family_name")
        born = checks.take(parse_date, date_of_birth, "date_of_birth")
        address = checks.take(check_email, email) if email.strip() else None
        if not email.strip():
            checks.add(InvalidField("email", "Enter your email address", "you will sign in with it"))
        if password:
            checks.take(lambda text: self._policy.check(text, email=email), password)
        else:
            checks.add(InvalidField("password", "Create a password",
                                    "at least 8 characters with 3 of: upper-case, lower-case, a digit, a symbol"))
        checks.done()
        assert typed is not None and family is not None and born is not None and address is not None
        password_hash = self._hasher.hash(password)
        now = self._clock.now()
        with self._uow(write=True) as uow:
            invitation = uow.invitations.by_code(hash_secret(typed))
            if invitation is None:
                raise unknown_code()
            invitation.require_open(now)
            stored = uow.learners.get(invitation.uln)
            if stored is None:
                raise unknown_code()
            learner = resolve_master(uow.learners, stored)
            if not identity_proved(to_record(learner), family, born):
                failed = uow.invitations.record_failure(invitation.id)
                self._log(uow, None, address, "invitation_redemption_failed", learner.uln)
                uow.commit()
                raise identity_not_proved(MAX_FAILED_ATTEMPTS - failed)
            if uow.users.by_email(address) is not None:
                raise InvalidField("email", "This email address has an account already",
                                   "sign in with it, or give another address")  # fmt: skip
            if uow.users.for_uln(learner.uln) is not None:
                raise InvalidField("code", "Your record has an account already",
                                   "sign in with the email address you gave then")  # fmt: skip
            if not uow.invitations.mark_used(invitation.id, now):
                # used or revoked a moment ago by someone else
                (uow.invitations.get(invitation.id) or replace(invitation, used_at=now)).require_open(now)
            name = learner_name(learner)[:120]
            user = uow.users.add(NewUser(address, name, Role.LEARNER, None, None, learner.uln, password_hash), now)
            self._log(uow, None, address, "learner_account_created", learner.uln)
            uow.commit()
        return user

    # Revoking

    @staticmethod
    def _may_revoke(by: User, invitation: Invitation) -> bool:
        if by.may(Permission.ADMINISTER):
            return True
        if invitation.organisation_id is None or invitation.organisation_id != by.organisation_id:
            return False
        return invitation.created_by == by.email or by.role is Role.SUPER_USER

    def outstanding(self, by: User, uln: str) -> list[Invitation]:
        """The learner's invitations still open that this person may revoke: their own, all of their
        organisation's for its super user, every one for an administrator."""
        wanted = validate_uln(uln.strip(), "uln")
        now = self._clock.now()
        with self._uow() as uow:
            stored = uow.learners.get(wanted)
            ulns = _ulns(resolve_master(uow.learners, stored)) if stored else [wanted]
            found = uow.invitations.not_used(ulns)
        return [i for i in found if i.state(now) is InvitationState.OPEN and self._may_revoke(by, i)]

    def revoke(self, by: User, invitation_id: int) -> Invitation:
        """Stop an outstanding invitation working; one this person may not revoke is answered as not found."""
        now = self._clock.now()
        with self._uow(write=True) as uow:
            invitation = uow.invitations.get(invitation_id)
            if invitation is None or not self._may_revoke(by, invitation):
                raise NotFound(f"There is no invitation {invitation_id} that you may revoke")
            if invitation.state(now) is not InvitationState.OPEN or not uow.invitations.revoke(
                invitation.id, now, by.email
            ):
                raise Conflict("This invitation is used, expired or revoked already")
            self._log(uow, by, by.email, "invitation_revoked", invitation.uln)
            uow.commit()
        return replace(invitation, revoked_at=now, revoked_by=by.email)

    # An administrator's recovery of a learner's account

    def account(self, by: User, uln: str) -> LearnerAccount:
        by.require(Permission.ADMINISTER)
        wanted = validate_uln(uln.strip(), "uln")
        now = self._clock.now()
        with self._uow() as uow:
            stored = uow.learners.get(wanted)
            if stored is None:
                raise NotFound(f"No learner on the register has the ULN {wanted}")
            learner = resolve_master(uow.learners, stored)
            invitations = [i for i in uow.invitations.not_used(_ulns(learner)) if i.state(now) is InvitationState.OPEN]
            return LearnerAccount(learner, uow.users.for_uln(learner.uln), invitations,
                                  uow.invitations.detachments(_ulns(learner)))  # fmt: skip

    def detach_account(self, by: User, uln: str, reason: str) -> Detachment:
        """Take the learner's account off their ULN and suspend it, with the reason (it was set up by someone
        else, or the learner lost access): its share links stop working, and the learner can be invited again."""
        by.require(Permission.ADMINISTER)
        why = check_reason(reason)
        now = self._clock.now()
        with self._uow(write=True) as uow:
            stored = uow.learners.get(validate_uln(uln.strip(), "uln"))
            if stored is None:
                raise NotFound(f"No learner on the register has the ULN {uln.strip()}")
            learner = resolve_master(uow.learners, stored)
            account = uow.users.for_uln(learner.uln)
            if account is None:
                raise Conflict("This learner has no account to detach")
            detachment = Detachment(account.id, account.email, learner.uln, why, by.email, now)
            uow.invitations.detach_account(detachment)
            for link in uow.share_links.for_ulns(_ulns(learner)):
                if link.state(now) is ShareState.ACTIVE:  # the detachment's log entry says so
                    uow.share_links.withdraw(link.id, now)
            self._log(uow, by, by.email, "learner_account_detached", learner.uln)
            uow.commit()
        return detachment
