"""The register's tables (SQLAlchemy Core). Learner-scoped tables carry the ULN so they can be sharded by it."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

learner = Table(
    "learner",
    metadata,
    Column("uln", String(10), primary_key=True),
    Column("title", String(35)),
    Column("given_name", String(35), nullable=False),
    Column("middle_other_name", String(35)),
    Column("family_name", String(35), nullable=False),
    Column("preferred_given_name", String(35)),
    Column("previous_family_name", String(35)),
    Column("family_name_at_16", String(35)),
    Column("school_at_16", String(254)),
    Column("address_line_1", String(50)),
    Column("address_line_2", String(50)),
    Column("town", String(50)),
    Column("county_or_city", String(50)),
    Column("postcode", String(9), nullable=False),
    Column("date_of_address_capture", Date),
    Column("date_of_birth", Date, nullable=False),
    Column("place_of_birth", String(35)),
    Column("gender", SmallInteger, nullable=False),
    Column("email_address", String(254)),
    Column("nationality", String(3)),
    Column("scottish_candidate_number", String(9)),
    Column("verification_type", SmallInteger, nullable=False),
    Column("other_verification_description", String(255)),
    Column("ability_to_share", SmallInteger, nullable=False),
    Column("notes", Text),
    Column("status", SmallInteger, nullable=False),
    Column("tier_level", SmallInteger, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("master_uln", String(10), ForeignKey("learner.uln")),
    # normalised forms of the five mandatory fields: the register refuses a second learner with the same five
    Column("norm_given_name", String(70), nullable=False),
    Column("norm_family_name", String(70), nullable=False),
    Column("norm_postcode", String(9), nullable=False),
    Index(
        "uq_learner_identity",
        "date_of_birth",
        "norm_family_name",
        "norm_given_name",
        "gender",
        "norm_postcode",
        unique=True,
    ),
    Index("ix_learner_master_uln", "master_uln"),
    sqlite_with_rowid=False,
)

# Blocking keys: each learner is indexed under a few selective keys (64-bit hashes of the domain's key strings)
# so that matching never scans the learner table.
learner_key = Table(
    "learner_key",
    metadata,
    Column("key", BigInteger, primary_key=True, autoincrement=False),
    Column("uln", String(10), ForeignKey("learner.uln"), primary_key=True),
    sqlite_with_rowid=False,
)

merge_event = Table(
    "merge_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("master_uln", String(10), ForeignKey("learner.uln"), nullable=False),
    Column("linked_uln", String(10), ForeignKey("learner.uln"), nullable=False),
    Column("merged", Boolean, nullable=False),
    Column("organisation_id", Integer, ForeignKey("organisation.id")),
    Column("user_name", String(128), nullable=False),
)

organisation = Table(
    "organisation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ukprn", String(8), nullable=False, unique=True),
    Column("organisation_ref", String(6), unique=True),
    Column("name", String(254), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("password_hash", String(100)),  # the web-service OrgPassword, salted and hashed; NULL: none set
)

api_key = Table(
    "api_key",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organisation_id", Integer, ForeignKey("organisation.id"), nullable=False, index=True),
    Column("prefix", String(16), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),  # in the future: a rotated key still accepted until then
    Column("label", String(60)),  # what the key is for, e.g. "MIS nightly export"
    Column("last_used_at", DateTime),  # to the minute: refreshed at most once a minute
)

# Append-only: who read or changed which learner, and when.
access_log = Table(
    "access_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("organisation_id", Integer, ForeignKey("organisation.id")),
    Column("user_name", String(128), nullable=False),
    Column("action", String(40), nullable=False),
    Column("uln", String(10)),
    # SHA-256 over the previous row's chain_hash and this row (adapters/sql/access_chain.py)
    Column("chain_hash", String(64)),
    # what proved a user name the caller only declared (domain.access.Actor.credential); NULL: the signed-in person
    Column("credential", String(64)),
    Column("detail", String(400)),  # what the action was about beyond the ULN (an administrator's whole search)
    Index("ix_access_log_uln_at", "uln", "at"),
    Index("ix_access_log_organisation_id_at", "organisation_id", "at"),
)

# The catalogue of qualifications and units that achievements refer to (reference data, not learner-scoped).
qualification = Table(
    "qualification",
    metadata,
    Column("reference", String(20), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("title", String(254), nullable=False),
    Column("qualification_type", String(60), nullable=False),
    Column("level", String(30), nullable=False),
    Column("credits", Integer),
    Column("awarding_organisation_name", String(254), nullable=False),
    Column("awarding_organisation_ukprn", String(8)),
    Column("regulated", Boolean, nullable=False),
    Column("grades", Text, nullable=False),  # the grade scheme, "|"-separated in order
)

# The PLR: one row per learning event, under the ULN it was recorded for.
learning_event = Table(
    "learning_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uln", String(10), ForeignKey("learner.uln"), nullable=False),
    Column("source", String(8), nullable=False),
    Column("subject_code", String(20), nullable=False),
    Column("subject", String(254), nullable=False),
    Column("qualification_type", String(60)),
    Column("level", String(30)),
    Column("grade", String(20)),
    Column("credits", Integer),
    Column("awarding_organisation_name", String(254)),
    Column("awarding_organisation_ukprn", String(8)),
    Column("provider_name", String(254)),
    Column("provider_ukprn", String(8)),
    Column("award_date", Date),
    Column("participation_start", Date),
    Column("participation_end", Date),
    Column("status", String(1), nullable=False),
    Column("language_for_assessment", String(20)),
    Column("under_data_challenge", Boolean, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Column("date_loaded", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("submitted_by", Integer, ForeignKey("organisation.id")),
    # an achievement is identified by its learner, its reference and the organisation that sent it
    Index("uq_learning_event_achievement", "uln", "subject_code", "submitted_by", unique=True),
    Index("ix_learning_event_submitted_by", "submitted_by"),
)

# A submission of achievements by an awarding organisation, processed in the background and polled.
achievement_job = Table(
    "achievement_job",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organisation_id", Integer, ForeignKey("organisation.id"), nullable=False),
    Column("user_name", String(128), nullable=False),
    Column("submission_type", String(40), nullable=False),
    Column("file_name", String(254)),
    Column("email_address", String(254)),
    Column("content_hash", String(64), nullable=False),
    Column("status", String(12), nullable=False),
    Column("submitted_at", DateTime, nullable=False),
    Column("started_at", DateTime),
    Column("finished_at", DateTime),
    Column("number_of_records", Integer, nullable=False),
    Column("next_row", Integer, nullable=False),  # rows before it are done: a restarted worker resumes here
    Column("lease_until", DateTime),  # a worker holds the job until then; past it, another worker may resume it
    Column("counters", Text, nullable=False),  # JSON: outcome -> count
    Column("rejection_reason", Text),
    Column("retries", Integer, nullable=False, server_default="0"),  # store errors that passed, in a row
    Column("retry_reason", String(80)),  # the last such error's kind (never its message: no personal data)
    Column("lease_token", String(32)),  # which worker holds it: a worker that lost its lease writes nothing
    Column("credential", String(64)),  # the submitter's, for the access-log rows the worker writes
    Index("uq_achievement_job_content", "organisation_id", "content_hash", unique=True),
    Index("ix_achievement_job_status", "status", "id"),
)

achievement_row = Table(
    "achievement_row",
    metadata,
    Column("job_id", Integer, ForeignKey("achievement_job.id"), primary_key=True, autoincrement=False),
    Column("row_number", Integer, primary_key=True, autoincrement=False),
    Column("payload", Text, nullable=False),  # the row as sent (JSON of protocol element names)
    Column("outcome", String(20)),
    Column("message", Text),
    Column("event_id", Integer),
    sqlite_with_rowid=False,
)

learner_batch_job = Table(
    "learner_batch_job",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(12), nullable=False),  # registration or verification
    Column("organisation_id", Integer, ForeignKey("organisation.id"), nullable=False),
    Column("user_name", String(128), nullable=False),
    Column("job_type", String(3)),  # FUL or CHK (registration)
    Column("channel", String(12), nullable=False),  # web_service or file
    Column("file_name", String(254)),
    Column("file_version", String(2)),
    Column("file_title", String(254)),
    Column("email_address", String(254)),
    Column("status", String(12), nullable=False),
    Column("submitted_at", DateTime, nullable=False),
    Column("started_at", DateTime),
    Column("finished_at", DateTime),
    Column("number_of_records", Integer, nullable=False),
    Column("next_row", Integer, nullable=False),  # rows before it are done: a restarted worker resumes here
    Column("lease_until", DateTime),  # a worker holds the job until then; past it, another worker may resume it
    Column("lease_token", String(32)),  # which worker holds it: a worker that lost its lease writes nothing
    Column("counters", Text, nullable=False),  # JSON: counter -> count
    Column("failure_reason", Text),
    Column("retries", Integer, nullable=False, server_default="0"),  # store errors that passed, in a row
    Column("retry_reason", String(80)),  # the last such error's kind (never its message: no personal data)
    Column("credential", String(64)),  # the submitter's, for the access-log rows the worker writes
    Index("ix_learner_batch_job_status", "status", "id"),
)

learner_batch_row = Table(
    "learner_batch_row",
    metadata,
    Column("job_id", Integer, ForeignKey("learner_batch_job.id"), primary_key=True, autoincrement=False),
    Column("row_number", Integer, primary_key=True, autoincrement=False),
    Column("payload", Text, nullable=False),  # the row as sent (JSON of protocol element names)
    Column("return_code", String(10)),  # None until the row is worked
    Column("uln", String(10)),
    Column("possible_ulns", Text),  # space-separated candidates of a possible match
    Column("message", Text),
    Column("verification", Text),  # JSON: flags and the register's values, for verification rows
    sqlite_with_rowid=False,
)

data_challenge = Table(
    "data_challenge",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Integer, ForeignKey("learning_event.id"), nullable=False, index=True),
    Column("uln", String(10), nullable=False, index=True),
    Column("raised_by", Integer, ForeignKey("organisation.id")),  # None: the learner themself
    Column("raised_by_user", String(128), nullable=False),
    Column("reason", Text, nullable=False),
    Column("status", String(10), nullable=False),
    Column("resolution", Text),
    Column("raised_at", DateTime, nullable=False),
    Column("resolved_at", DateTime),
    Column("resolved_by_user", String(128)),
)

# --- the awarding side: its own tables; it reaches the register only through the LrsGateway port ---------------

centre = Table(
    "centre",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("awarding_organisation_id", Integer, ForeignKey("organisation.id"), nullable=False),
    Column("centre_number", String(20), nullable=False),
    Column("name", String(254), nullable=False),
    Column("ukprn", String(8)),
    Column("is_lrb", Boolean, nullable=False),  # a learner registration body may obtain new ULNs
    Column("contact_email", String(254)),
    Index("uq_centre_number", "awarding_organisation_id", "centre_number", unique=True),
)

centre_qualification = Table(
    "centre_qualification",
    metadata,
    Column("centre_id", Integer, ForeignKey("centre.id"), primary_key=True, autoincrement=False),
    Column("reference", String(20), ForeignKey("qualification.reference"), primary_key=True),
)

registration = Table(
    "registration",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("centre_id", Integer, ForeignKey("centre.id"), nullable=False),
    Column("qualification_reference", String(20), ForeignKey("qualification.reference"), nullable=False),
    Column("given_name", String(35), nullable=False),
    Column("family_name", String(35), nullable=False),
    Column("date_of_birth", Date, nullable=False),
    Column("gender", SmallInteger, nullable=False),
    Column("postcode", String(9)),
    Column("uln", String(10), index=True),
    Column("candidate_reference", String(30)),
    Column("registered_on", Date, nullable=False),
    Column("uln_state", String(12), nullable=False),
    Column("validated_on", Date),
    Column("removed_uln", String(10)),  # the ULN taken off after the removal period, kept with the reason
    Column("removed_on", Date),
    Column("removal_reason", Text),
    Column("grade", String(20)),
    Column("award_date", Date),
    Column("certification_status", String(12), nullable=False),  # not_sent, sent, confirmed, rejected
    Column("certification_reason", Text),
    Column("achievement_job_id", Integer),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_registration_centre_state", "centre_id", "uln_state"),
    Index("ix_registration_certification", "certification_status"),
)

# A certificate is found by an unguessable public id (its QR code); a correction issues a new one and the old one
# points to it, so the history stays.
certificate = Table(
    "certificate",
    metadata,
    Column("public_id", String(32), primary_key=True),
    Column("number", String(40), nullable=False, unique=True),
    Column("registration_id", Integer, ForeignKey("registration.id"), nullable=False, index=True),
    Column("learner_name", String(80), nullable=False),
    Column("grade", String(20), nullable=False),
    Column("award_date", Date, nullable=False),
    Column("uln_validated", Boolean, nullable=False),
    Column("issued_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    Column("revoked_reason", Text),
    Column("replaced_by", String(32)),
)

anomaly = Table(
    "anomaly",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("registration_id", Integer, ForeignKey("registration.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("code", String(10)),
    Column("details", Text, nullable=False),  # JSON: the failed fields in plain words and the suggested fix
    Column("raised_on", Date, nullable=False),
    Column("removal_date", Date, nullable=False),
    Column("reminders_sent", String(20), nullable=False),  # e.g. "7,1"
    Column("resolved_on", Date),
    Column("resolution", Text),
    Index("ix_anomaly_open", "resolved_on", "removal_date"),
)

# Mail waits here until the server took it: a mail server that is down loses nothing, and sending is retried.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("to_address", String(254), nullable=False),
    Column("subject", String(254), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("sent_at", DateTime),
    Column("last_error", Text),
    Index("ix_outbox_due", "sent_at", "next_attempt_at"),
)

awarding_log = Table(
    "awarding_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("organisation_id", Integer, ForeignKey("organisation.id")),
    Column("user_name", String(128), nullable=False),
    Column("action", String(40), nullable=False),
    Column("registration_id", Integer, ForeignKey("registration.id"), index=True),
    Column("detail", Text),
)

# People who sign in to the portals (organisation staff, centre staff, administrators, learners).
app_user = Table(
    "app_user",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),  # lower-case
    Column("name", String(120), nullable=False),
    Column("role", String(24), nullable=False),
    Column("organisation_id", Integer, ForeignKey("organisation.id"), index=True),
    Column("centre_id", Integer, ForeignKey("centre.id")),
    Column("uln", String(10), index=True),  # a learner's own
    Column("password_hash", String(200)),  # argon2; NULL until the person sets one (an invitation)
    Column("failed_sign_ins", Integer, nullable=False),
    Column("locked_at", DateTime),
    Column("active", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# A one-time code an organisation gives a learner, tied to the learner's ULN, to set up their sign-in.
learner_invitation = Table(
    "learner_invitation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("uln", String(10), nullable=False, index=True),
    Column("organisation_id", Integer, ForeignKey("organisation.id")),
    Column("created_by", String(254), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("used_at", DateTime),
    Column("failed_attempts", Integer, nullable=False),  # wrong family names or dates of birth; at 5 it is void
    Column("revoked_at", DateTime),
    Column("revoked_by", String(254)),
    Column("proof", Text),  # an administrator's own check of the person, when one issued it
)

# A learner's link to their PLR for someone else, until it expires or is withdrawn.
share_link = Table(
    "share_link",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("uln", String(10), nullable=False, index=True),
    Column("label", String(120), nullable=False),  # who it is for, in the learner's words
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("withdrawn_at", DateTime),
)

# An organisation's application to become a learner registration body (or an awarding organisation).
organisation_application = Table(
    "organisation_application",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),
    Column("ukprn", String(8), nullable=False, index=True),
    Column("name", String(254), nullable=False),
    Column("address", Text, nullable=False),
    Column("web_domain", String(253), nullable=False),  # the super user's email is on it
    Column("signatory_name", String(120), nullable=False),
    Column("signatory_role", String(120), nullable=False),
    Column("agreed_at", DateTime, nullable=False),
    Column("super_user_name", String(120), nullable=False),
    Column("super_user_email", String(254), nullable=False),
    Column("status", String(12), nullable=False),  # submitted, approved, rejected
    Column("reason", Text),  # why it was rejected
    Column("submitted_at", DateTime, nullable=False),
    Column("decided_at", DateTime),
    Column("decided_by", String(254)),
    Column("organisation_id", Integer, ForeignKey("organisation.id")),
)

# --- applications and first passwords: a one-time link to set a password, kept as a hash -----------------------
password_link = Table(
    "password_link",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("app_user.id"), nullable=False, index=True),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("used_at", DateTime),
)
# The administrators' access log search: by date range alone, and by user, newest first.
Index("ix_access_log_at", access_log.c.at)
Index("ix_access_log_user_name_at", access_log.c.user_name, access_log.c.at)

# A learner account an administrator took off its ULN (and suspended), so the real learner can be invited again.
learner_account_detachment = Table(
    "learner_account_detachment",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("app_user.id"), nullable=False),
    Column("email", String(254), nullable=False),
    Column("uln", String(10), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("detached_by", String(254), nullable=False),
    Column("detached_at", DateTime, nullable=False),
)


# A signed-in portal session: the cookie carries a random id, only its hash is kept. Sign-out, a password change,
# suspending or unlocking revokes it; it ends at expires_at (the absolute lifetime) however much it is used.
user_session = Table(
    "user_session",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("app_user.id"), nullable=False, index=True),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
)


# The access log's newest row and its chain_hash, updated with every append: a log cut short no longer ends there.
access_log_head = Table(
    "access_log_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # the one row is id 1
    Column("last_id", Integer, nullable=False),
    Column("chain_hash", String(64), nullable=False),
)
