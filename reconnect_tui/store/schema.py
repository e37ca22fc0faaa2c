"""Schema migrations, versioned by ``PRAGMA user_version``.

Each entry of ``MIGRATIONS`` takes the schema from version ``n`` to ``n + 1``. Never edit a
migration that has shipped: add a new one. Every migration is tested from the schema before it.
"""

from __future__ import annotations

from ..errors import VaultError
from ..i18n import _
from .db import Connection

V1_TOOLBOX = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE life_domains (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT '',
    rating INTEGER CHECK (rating IS NULL OR rating BETWEEN 0 AND 10),
    helps TEXT NOT NULL DEFAULT '',
    hinders TEXT NOT NULL DEFAULT '',
    hidden INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0,
    is_default INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT
);
CREATE TABLE domain_status_history (
    id INTEGER PRIMARY KEY,
    domain_id INTEGER NOT NULL REFERENCES life_domains(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    rating INTEGER,
    recorded_at TEXT NOT NULL
);
CREATE INDEX domain_status_history_domain ON domain_status_history(domain_id, recorded_at);

CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES goals(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    why TEXT NOT NULL DEFAULT '',
    domain_id INTEGER REFERENCES life_domains(id) ON DELETE SET NULL,
    due TEXT,
    done INTEGER NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX goals_parent ON goals(parent_id);
CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    goal_id INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    scheduled_on TEXT,
    done INTEGER NOT NULL DEFAULT 0,
    done_at TEXT,
    notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX activities_goal ON activities(goal_id);
CREATE INDEX activities_scheduled ON activities(scheduled_on);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    relation TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL,
    ring INTEGER NOT NULL CHECK (ring BETWEEN 1 AND 4),
    contact_frequency TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    can_help_in_crisis INTEGER NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT ''
);

CREATE TABLE crisis_plan (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    warning_signs TEXT NOT NULL DEFAULT '',
    triggers TEXT NOT NULL DEFAULT '',
    self_help TEXT NOT NULL DEFAULT '',
    distractions TEXT NOT NULL DEFAULT '',
    safe_surroundings TEXT NOT NULL DEFAULT '',
    how_to_meet_me TEXT NOT NULL DEFAULT '',
    treatment_wishes TEXT NOT NULL DEFAULT '',
    reasons_for_living TEXT NOT NULL DEFAULT '',
    updated_at TEXT
);
CREATE TABLE crisis_helpers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    position INTEGER NOT NULL
);
CREATE TABLE crisis_professionals (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL
);

CREATE TABLE exercises (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    builtin INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE exercise_log (
    id INTEGER PRIMARY KEY,
    exercise_id INTEGER NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
    done_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);

CREATE TABLE medications (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    prescribed INTEGER NOT NULL DEFAULT 1,
    dose TEXT NOT NULL DEFAULT '',
    schedule TEXT NOT NULL DEFAULT '',
    intended_effect TEXT NOT NULL DEFAULT '',
    experiences TEXT NOT NULL DEFAULT '',
    questions TEXT NOT NULL DEFAULT ''
);

CREATE TABLE diary (
    id INTEGER PRIMARY KEY,
    written_at TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX diary_written ON diary(written_at);

CREATE TABLE registration_parameters (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    unit TEXT NOT NULL DEFAULT '',
    minimum REAL NOT NULL DEFAULT 0,
    maximum REAL NOT NULL DEFAULT 10
);
CREATE TABLE registrations (
    id INTEGER PRIMARY KEY,
    parameter_id INTEGER NOT NULL REFERENCES registration_parameters(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    value REAL NOT NULL,
    UNIQUE (parameter_id, day)
);

-- Full-text search over the user's own writing, kept current by triggers.
CREATE VIRTUAL TABLE search_index USING fts5(
    module UNINDEXED, item_id UNINDEXED, title, body,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
"""

# (table, module name, title expression, body expression)
_INDEXED: tuple[tuple[str, str, str, str], ...] = (
    (
        "life_domains",
        "life-domains",
        "{r}.name",
        "{r}.status || ' ' || {r}.helps || ' ' || {r}.hinders",
    ),
    ("goals", "goals", "{r}.title", "{r}.why || ' ' || {r}.notes"),
    ("activities", "activities", "{r}.title", "{r}.notes"),
    ("people", "network", "{r}.name", "{r}.relation || ' ' || {r}.notes"),
    (
        "medications",
        "medications",
        "{r}.name",
        "{r}.dose || ' ' || {r}.schedule || ' ' || {r}.intended_effect || ' ' || {r}.experiences"
        " || ' ' || {r}.questions",
    ),
    ("diary", "diary", "substr({r}.text, 1, 60)", "{r}.text"),
    ("exercise_log", "exercise-log", "''", "{r}.note"),
    (
        "crisis_plan",
        "crisis-plan",
        "'Crisis plan'",
        "{r}.warning_signs || ' ' || {r}.triggers || ' ' || {r}.self_help"
        " || ' ' || {r}.distractions || ' ' || {r}.safe_surroundings"
        " || ' ' || {r}.how_to_meet_me || ' ' || {r}.treatment_wishes"
        " || ' ' || {r}.reasons_for_living",
    ),
)


def _search_triggers() -> str:
    statements = []
    for table, module, title, body in _INDEXED:
        new_title, new_body = title.format(r="new"), body.format(r="new")
        insert = (
            f"INSERT INTO search_index(module, item_id, title, body) "
            f"VALUES ('{module}', new.id, {new_title}, {new_body});"
        )
        delete = f"DELETE FROM search_index WHERE module = '{module}' AND item_id = old.id;"
        statements.append(f"CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN {insert} END;")
        statements.append(f"CREATE TRIGGER {table}_ad AFTER DELETE ON {table} BEGIN {delete} END;")
        statements.append(
            f"CREATE TRIGGER {table}_au AFTER UPDATE ON {table} BEGIN {delete} {insert} END;"
        )
    return "\n".join(statements)


V2_SYNC = """
-- What this vault needs to talk to a relay: settings, its mailboxes, outbox, inbox, cursors.
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE mailboxes (
    mailbox_id TEXT PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    purpose TEXT NOT NULL DEFAULT '',
    claimed INTEGER NOT NULL DEFAULT 0,
    cursor INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    envelope_id TEXT NOT NULL UNIQUE,
    mailbox_id TEXT NOT NULL,
    ciphertext BLOB NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    delivered_at REAL,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox(delivered_at, next_attempt_at);
CREATE TABLE inbox (
    id INTEGER PRIMARY KEY,
    envelope_id TEXT NOT NULL UNIQUE,
    mailbox_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    ciphertext BLOB NOT NULL,
    received_at REAL NOT NULL,
    processed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX inbox_unprocessed ON inbox(processed) WHERE processed = 0;
-- Kept apart from the inbox so acknowledging never rewrites rows that hold ciphertext.
CREATE TABLE inbox_unacked (
    envelope_id TEXT PRIMARY KEY,
    mailbox_id TEXT NOT NULL
) WITHOUT ROWID;
"""


V3_DYADS = """
-- Dyads (docs/dyads.md): this vault's Olm identity, open invitations, partners with their Olm
-- session, and the messages of each conversation.
CREATE TABLE olm_account (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pickle TEXT NOT NULL
);
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    lookup_id TEXT NOT NULL UNIQUE,
    mailbox_id TEXT NOT NULL UNIQUE,
    pairing_key BLOB NOT NULL,
    envelope_key BLOB NOT NULL,
    mac_key BLOB NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE TABLE partners (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    ed25519 TEXT NOT NULL,
    curve25519 TEXT NOT NULL,
    inbound_mailbox TEXT NOT NULL UNIQUE,
    outbound_mailbox TEXT NOT NULL,
    envelope_key BLOB NOT NULL,
    session_pickle TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paired')),
    verified INTEGER NOT NULL DEFAULT 0,
    key_changed INTEGER NOT NULL DEFAULT 0,
    read_receipts INTEGER NOT NULL DEFAULT 1,
    sent_counter INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    outgoing INTEGER NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    sent_at TEXT NOT NULL,
    counter INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('queued', 'read', 'unread', 'unverified')),
    reply_to TEXT,
    about_module TEXT,
    about_item_id INTEGER,
    about_title TEXT,
    envelope_id TEXT,
    UNIQUE (partner_id, message_id)
);
CREATE INDEX messages_conversation ON messages(partner_id, sent_at, counter);
CREATE INDEX messages_unread ON messages(partner_id) WHERE status = 'unread';
CREATE TABLE seen_ids (
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    PRIMARY KEY (partner_id, message_id)
) WITHOUT ROWID;
CREATE TABLE rejected_envelopes (
    envelope_id TEXT PRIMARY KEY,
    mailbox_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    rejected_at TEXT NOT NULL
);
"""


V4_AGREEMENTS = """
-- The dyad agreement (docs/agreement.md): signed versions, "seen - I will answer by" promises,
-- check-ins (schedules, questions, answers), feedback on the working relationship, and drafts
-- kept "for our next meeting".
CREATE TABLE agreement_versions (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    terms TEXT NOT NULL,
    proposed_by_me INTEGER NOT NULL,
    proposer_signature TEXT NOT NULL,
    accepter_signature TEXT,
    proposed_at TEXT NOT NULL,
    accepted_at TEXT,
    UNIQUE (partner_id, version)
);
CREATE TABLE answer_promises (
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    answer_by TEXT NOT NULL,
    given_at TEXT NOT NULL,
    PRIMARY KEY (partner_id, message_id)
) WITHOUT ROWID;
CREATE TABLE checkin_schedules (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    domains TEXT NOT NULL DEFAULT '[]',
    every_days INTEGER NOT NULL CHECK (every_days BETWEEN 1 AND 365),
    next_due_at TEXT NOT NULL
);
CREATE TABLE checkins (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    checkin_id TEXT NOT NULL,
    asked_by_me INTEGER NOT NULL,
    question TEXT NOT NULL,
    domains TEXT NOT NULL DEFAULT '[]',
    sent_at TEXT NOT NULL,
    answered_at TEXT,
    overall INTEGER CHECK (overall IS NULL OR overall BETWEEN 0 AND 10),
    domain_scores TEXT NOT NULL DEFAULT '{}',
    line TEXT NOT NULL DEFAULT '',
    share_trend INTEGER NOT NULL DEFAULT 0,
    answer_seen INTEGER NOT NULL DEFAULT 0,
    UNIQUE (partner_id, checkin_id)
);
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    feedback_id TEXT NOT NULL,
    from_me INTEGER NOT NULL,
    scores TEXT NOT NULL,
    given_at TEXT NOT NULL,
    UNIQUE (partner_id, feedback_id)
);
CREATE TABLE message_drafts (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('next-meeting')),
    created_at TEXT NOT NULL
);
"""


V5_SHARING = """
-- Sharing (docs/sharing.md). The service user's side: what is shared with whom, the relay slot
-- each share is published in, and the last version published there.
CREATE TABLE shares (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    module TEXT NOT NULL,
    item_id INTEGER,
    item_key TEXT NOT NULL,
    slot_id TEXT NOT NULL UNIQUE,
    shared_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    content_hash BLOB,
    published_at TEXT,
    seen_at TEXT,
    UNIQUE (partner_id, module, item_key)
);
-- Slots revoked but perhaps still at the relay: deleted there by the next sync.
CREATE TABLE share_revoked (
    slot_id TEXT PRIMARY KEY,
    partner_id INTEGER NOT NULL,
    revoked_at TEXT NOT NULL
) WITHOUT ROWID;
-- Per-dyad share keys by epoch, on both sides (the user's own, the provider's received).
CREATE TABLE share_keys (
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    key BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (partner_id, epoch)
) WITHOUT ROWID;
-- The provider's side: the owner's manifest (what is shared) and the newest verified snapshot
-- of each item; ``version`` never goes down (a rollback by the relay is refused). ``snapshot``
-- (up to megabytes) comes last: reading the columns before it skips its overflow pages.
CREATE TABLE received_items (
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    slot_id TEXT NOT NULL,
    module TEXT NOT NULL,
    item_id INTEGER,
    title TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 0,
    content_hash BLOB,
    changed_at TEXT,
    snapshot TEXT,
    PRIMARY KEY (partner_id, slot_id)
) WITHOUT ROWID;
CREATE TABLE received_manifests (
    partner_id INTEGER PRIMARY KEY REFERENCES partners(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0,
    received_at TEXT NOT NULL,
    view_receipts INTEGER NOT NULL DEFAULT 1
);
-- The user's side: the number of the last manifest sent to each provider (they only go up,
-- so a manifest the relay holds back and delivers late changes nothing).
CREATE TABLE share_manifests_sent (
    partner_id INTEGER PRIMARY KEY REFERENCES partners(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL
);
"""


V6_FORUM = """
-- The peer-support forum (docs/forum.md): each forum with this vault's per-forum Olm account
-- and outbound Megolm session, its members (pairwise Olm session each), the Megolm sessions
-- received, open invitations, posts, muted threads, reports, and ids seen (replays).
CREATE TABLE forums (
    id TEXT PRIMARY KEY,
    forum_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    pseudonym TEXT NOT NULL,
    moderator INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('joining', 'active', 'removed')),
    account_pickle TEXT NOT NULL,
    mailbox_id TEXT NOT NULL UNIQUE,
    mailbox_key BLOB NOT NULL,
    outbound_pickle TEXT NOT NULL,
    outbound_created_at TEXT NOT NULL,
    own_group_pickle TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_activity TEXT
);
CREATE TABLE forum_members (
    id INTEGER PRIMARY KEY,
    forum_id TEXT NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    pseudonym TEXT NOT NULL,
    ed25519 TEXT NOT NULL,
    curve25519 TEXT NOT NULL,
    fallback_key TEXT NOT NULL DEFAULT '',
    mailbox_id TEXT NOT NULL,
    mailbox_key BLOB NOT NULL,
    moderator INTEGER NOT NULL DEFAULT 0,
    joined_at TEXT NOT NULL,
    removed_at TEXT,
    session_pickle TEXT,
    key_session TEXT NOT NULL DEFAULT '',
    key_index INTEGER NOT NULL DEFAULT 0,
    UNIQUE (forum_id, curve25519),
    UNIQUE (forum_id, ed25519)
);
CREATE TABLE forum_group_sessions (
    forum_id TEXT NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL,
    member_id INTEGER NOT NULL REFERENCES forum_members(id) ON DELETE CASCADE,
    pickle TEXT NOT NULL,
    PRIMARY KEY (forum_id, session_id)
) WITHOUT ROWID;
CREATE TABLE forum_invitations (
    id INTEGER PRIMARY KEY,
    forum_id TEXT NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    lookup_id TEXT NOT NULL UNIQUE,
    mailbox_id TEXT NOT NULL UNIQUE,
    pairing_key BLOB NOT NULL,
    mac_key BLOB NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE TABLE forum_posts (
    id INTEGER PRIMARY KEY,
    forum_id TEXT NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    post_id TEXT NOT NULL,
    thread TEXT NOT NULL,
    author TEXT NOT NULL,
    author_key TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    posted_at TEXT NOT NULL,
    own INTEGER NOT NULL DEFAULT 0,
    unread INTEGER NOT NULL DEFAULT 1,
    hidden INTEGER NOT NULL DEFAULT 0,
    hidden_reason TEXT NOT NULL DEFAULT '',
    pinned TEXT NOT NULL DEFAULT '' CHECK (pinned IN ('', 'rules', 'cafe')),
    UNIQUE (forum_id, post_id)
);
CREATE INDEX forum_posts_thread ON forum_posts(forum_id, thread, posted_at);
CREATE TABLE forum_muted (
    forum_id TEXT NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    thread TEXT NOT NULL,
    PRIMARY KEY (forum_id, thread)
) WITHOUT ROWID;
CREATE TABLE forum_reports (
    id INTEGER PRIMARY KEY,
    forum_id TEXT NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    report_id TEXT NOT NULL,
    post_id TEXT NOT NULL,
    reporter TEXT NOT NULL,
    reason TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    UNIQUE (forum_id, report_id)
);
CREATE TABLE forum_seen (
    forum_id TEXT NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    PRIMARY KEY (forum_id, message_id)
) WITHOUT ROWID;
"""


V7_PRUNE_CIPHERTEXT = """
-- Ciphertext is kept only while it is needed (issue 13: a vault kept every envelope it ever
-- handled). An inbound envelope's bytes go in the transaction that stores what it carried (the
-- row stays: its envelope id answers a repeated delivery); an outbound one's once the relay
-- has accepted it (the row stays: it says "delivered").
CREATE TRIGGER inbox_prune_processed AFTER UPDATE OF processed ON inbox
WHEN NEW.processed = 1 AND length(NEW.ciphertext) > 0
BEGIN
    UPDATE inbox SET ciphertext = x'' WHERE id = NEW.id;
END;
CREATE TRIGGER outbox_prune_delivered AFTER UPDATE OF delivered_at ON outbox
WHEN NEW.delivered_at IS NOT NULL AND length(NEW.ciphertext) > 0
BEGIN
    UPDATE outbox SET ciphertext = x'' WHERE id = NEW.id;
END;
UPDATE inbox SET ciphertext = x'' WHERE processed = 1;
UPDATE outbox SET ciphertext = x'' WHERE delivered_at IS NOT NULL;
"""


V8_FORUM_UNVERIFIED = """
-- Forum envelopes that failed verification (altered, forged, from a removed member): shown in
-- the forum as "a post that could not be verified", never their content (docs/forum.md).
CREATE TABLE forum_unverified (
    forum_id TEXT NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    envelope_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (forum_id, envelope_id)
) WITHOUT ROWID;
"""


V9_FORUM_RELAY_KEYS = """
-- Each forum signs its relay requests with a key of its own (docs/forum.md), so the relay cannot
-- link a member's forum traffic to their dyads. ``signer`` says which key a mailbox is read with
-- and an outgoing envelope deposited with: '' the vault's own, else the forum's id. A forum from
-- before gets its key at its next use; mailboxes it has not claimed yet, and envelopes to its
-- members not delivered yet, move to that key now.
CREATE TABLE forum_relay_keys (
    forum_id TEXT PRIMARY KEY REFERENCES forums(id) ON DELETE CASCADE,
    seed BLOB NOT NULL
) WITHOUT ROWID;
ALTER TABLE mailboxes ADD COLUMN signer TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN signer TEXT NOT NULL DEFAULT '';
UPDATE mailboxes SET signer = coalesce(
    (SELECT id FROM forums WHERE forums.mailbox_id = mailboxes.mailbox_id),
    (SELECT forum_id FROM forum_invitations i WHERE i.mailbox_id = mailboxes.mailbox_id), '')
    WHERE claimed = 0;
UPDATE outbox SET signer = coalesce(
    (SELECT min(forum_id) FROM forum_members m WHERE m.mailbox_id = outbox.mailbox_id), '')
    WHERE delivered_at IS NULL;
"""


V10_REVOCATION_ACKS = """
-- The user's side of a revocation (docs/sharing.md): what was revoked from whom, the number of
-- the manifest that revoked it, and when the provider's vault confirmed that it applied that
-- manifest (a share-revoke-ack inside Olm). Until then the Sharing screen says it waits.
CREATE TABLE share_revocations (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    slot_id TEXT NOT NULL,
    module TEXT NOT NULL,
    item_id INTEGER,
    title TEXT NOT NULL DEFAULT '',
    manifest_seq INTEGER NOT NULL,
    revoked_at TEXT NOT NULL,
    confirmed_at TEXT
);
CREATE INDEX share_revocations_waiting ON share_revocations(partner_id, manifest_seq)
    WHERE confirmed_at IS NULL;
"""


V11_FORM_DRAFTS = """
CREATE TABLE form_drafts (
    form TEXT NOT NULL,
    item TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (form, item)
) WITHOUT ROWID;
"""
"""What was typed into an open form or composer when the app locked (``repositories.drafts``)."""


# The columns of each indexed table that its search row is made of (V12 re-indexes on these only).
_INDEXED_COLUMNS: dict[str, str] = {
    "life_domains": "name, status, helps, hinders",
    "goals": "title, why, notes",
    "activities": "title, notes",
    "people": "name, relation, notes",
    "medications": "name, dose, schedule, intended_effect, experiences, questions",
    "diary": "text",
    "exercise_log": "note",
    "crisis_plan": "warning_signs, triggers, self_help, distractions, safe_surroundings,"
    " how_to_meet_me, treatment_wishes, reasons_for_living",
}
SEARCH_ROWID_SLOTS = 16
"""A search row's rowid is ``item id * 16 + its module's number`` (V12)."""
WHAT_MATTERS_SEARCH_ROWID = len(_INDEXED) + 1
"""The search row of "what is important in my life" (item 0 of its own module number)."""


def _keyed_search() -> str:
    """V12: every search row's rowid is worked out from its item, so keeping the index in step
    with a deleted or changed row is one lookup by rowid. Before, each trigger deleted by
    ``module``/``item_id`` (FTS5 columns without an index): a scan of the whole index per row,
    which made deleting n goals (``import --replace``) cost n scans of n rows. Updates re-index
    only when an indexed column changes, and the foreign keys that deletes follow get indexes.
    """
    statements = []
    for table, _module, _title, _body in _INDEXED:
        for suffix in ("ai", "ad", "au"):
            statements.append(f"DROP TRIGGER {table}_{suffix};")
    statements.append("DELETE FROM search_index;")
    for number, (table, module, title, body) in enumerate(_INDEXED, start=1):
        key = f"{{r}}.id * {SEARCH_ROWID_SLOTS} + {number}"
        new = (f"INSERT INTO search_index(rowid, module, item_id, title, body) VALUES"
               f" ({key.format(r='new')}, '{module}', new.id, {title.format(r='new')},"
               f" {body.format(r='new')});")
        delete = f"DELETE FROM search_index WHERE rowid = {key.format(r='old')};"
        statements.append(
            f"INSERT INTO search_index(rowid, module, item_id, title, body) SELECT"
            f" {key.format(r=table)}, '{module}', {table}.id, {title.format(r=table)},"
            f" {body.format(r=table)} FROM {table};"
        )
        statements.append(f"CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN {new} END;")
        statements.append(
            f"CREATE TRIGGER {table}_ad AFTER DELETE ON {table} BEGIN {delete} END;")
        statements.append(
            f"CREATE TRIGGER {table}_au AFTER UPDATE OF {_INDEXED_COLUMNS[table]} ON {table}"
            f" BEGIN {delete} {new} END;"
        )
    statements.append(
        "INSERT INTO search_index(rowid, module, item_id, title, body)"
        f" SELECT {WHAT_MATTERS_SEARCH_ROWID}, 'what-matters', 0, 'What is important in my life',"
        " value FROM meta WHERE key = 'what_matters' AND value != '';"
    )
    statements.append("CREATE INDEX goals_domain ON goals(domain_id);")
    statements.append("CREATE INDEX crisis_helpers_person ON crisis_helpers(person_id);")
    statements.append("CREATE INDEX exercise_log_exercise ON exercise_log(exercise_id);")
    return "\n".join(statements)


V12_KEYED_SEARCH = _keyed_search()

V13_DECLINES_AND_HISTORY = """
-- A declined agreement proposal and its reason (docs/agreement.md); one per version.
CREATE TABLE agreement_declines (
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    declined_by_me INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    declined_at TEXT NOT NULL,
    PRIMARY KEY (partner_id, version)
) WITHOUT ROWID;
-- Conversations and forums read from an export file (docs/export-format.md): kept as readable
-- history, since no Olm or Megolm session can be restored from a file.
CREATE TABLE imported_history (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('dyad', 'forum')),
    name TEXT NOT NULL,
    data TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
"""

V14_RESTORE = """
-- Restore and rollback (docs/dyads.md): a dyad whose Olm session went stale because this vault,
-- or the partner's, was restored from a backup. reset_state: NULL, 'needed' (a request is to be
-- sent), 'sent' (waiting for the partner's answer on a new session); reset_epoch: our epoch in
-- that request; reset_from_n: the first counter of ours the partner may not hold.
ALTER TABLE partners ADD COLUMN reset_state TEXT CHECK (reset_state IN ('needed', 'sent'));
ALTER TABLE partners ADD COLUMN reset_epoch TEXT;
ALTER TABLE partners ADD COLUMN reset_from_n INTEGER NOT NULL DEFAULT 0;
-- The epochs a partner announced in reset requests we accepted: a replayed request is refused.
CREATE TABLE partner_epochs (
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    epoch TEXT NOT NULL,
    generation INTEGER NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (partner_id, epoch)
) WITHOUT ROWID;
"""

V15_DEVICES = """
-- Linked devices (docs/devices.md). The person key: Ed25519, the same on each of the person's
-- devices; it signs every device's certificate and the device list.
CREATE TABLE person_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seed BLOB NOT NULL,
    public TEXT NOT NULL,
    created_at TEXT NOT NULL
);
-- The newest device list this vault accepted (signed by the person key); never replaced by an
-- older version.
CREATE TABLE device_lists (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL,
    signed BLOB NOT NULL,
    accepted_at TEXT NOT NULL
);
-- The person's devices, this one included (this_device = 1), each with the Olm session,
-- mailboxes and envelope key of the link to it. status 'joining': this vault waits for the
-- first device's welcome; 'removed': retired, its keys deleted.
CREATE TABLE devices (
    id INTEGER PRIMARY KEY,
    ed25519 TEXT NOT NULL UNIQUE,
    curve25519 TEXT NOT NULL,
    name TEXT NOT NULL,
    linked_at TEXT NOT NULL,
    this_device INTEGER NOT NULL DEFAULT 0,
    certificate TEXT NOT NULL DEFAULT '',
    inbound_mailbox TEXT UNIQUE,
    outbound_mailbox TEXT,
    envelope_key BLOB,
    session_pickle TEXT,
    status TEXT NOT NULL DEFAULT 'linked' CHECK (status IN ('joining', 'linked', 'removed')),
    removed_at TEXT
);
-- Open link codes of this device (the keys derived from the code; the code is never stored).
CREATE TABLE device_invitations (
    id INTEGER PRIMARY KEY,
    lookup_id TEXT NOT NULL UNIQUE,
    mailbox_id TEXT NOT NULL UNIQUE,
    pairing_key BLOB NOT NULL,
    envelope_key BLOB NOT NULL,
    mac_key BLOB NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
"""

V16_DEVICE_RECORDS = """
-- The toolbox between the person's own devices (docs/devices.md): per item, the merged record
-- (each field's value and hybrid-logical-clock stamp, and the newest deletion), as JSON.
CREATE TABLE device_records (
    module TEXT NOT NULL,
    item TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (module, item)
) WITHOUT ROWID;
"""

V17_DEVICE_ROWS = """
-- Modules of many items between the person's own devices (docs/devices.md): each item's global
-- id beside its local row id, and whether its record waits to be sent.
CREATE TABLE device_item_ids (
    module TEXT NOT NULL,
    local_id INTEGER NOT NULL,
    global_id TEXT NOT NULL,
    PRIMARY KEY (module, local_id),
    UNIQUE (module, global_id)
) WITHOUT ROWID;
ALTER TABLE device_records ADD COLUMN unsent INTEGER NOT NULL DEFAULT 0;
"""

V18_PARTNER_DEVICES = """
-- Partners' linked devices (docs/devices.md, "What partners see"). Partner side: the newest
-- device list a partner's paired device introduced (signed by the partner's person key), and one
-- Olm session per other device of that partner, with the mailboxes between them.
CREATE TABLE partner_lists (
    partner_id INTEGER PRIMARY KEY REFERENCES partners(id) ON DELETE CASCADE,
    person_key TEXT NOT NULL,
    version INTEGER NOT NULL,
    signed BLOB NOT NULL,
    accepted_at TEXT NOT NULL
);
CREATE TABLE partner_devices (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    ed25519 TEXT NOT NULL,
    curve25519 TEXT NOT NULL,
    name TEXT NOT NULL,
    inbound_mailbox TEXT UNIQUE,
    outbound_mailbox TEXT,
    session_pickle TEXT,
    status TEXT NOT NULL DEFAULT 'listed' CHECK (status IN ('listed', 'open', 'removed')),
    UNIQUE (partner_id, ed25519)
);
-- Person side: via_device, on a dyad another of this person's devices handed over (the Ed25519
-- key of that device; its session was opened by the partner); list_sent, the version of this
-- person's device list last sent to the partner; dyad_shares, which own devices were handed a
-- dyad this device paired.
ALTER TABLE partners ADD COLUMN via_device TEXT;
ALTER TABLE partners ADD COLUMN list_sent INTEGER NOT NULL DEFAULT 0;
CREATE TABLE dyad_shares (
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    device TEXT NOT NULL,
    PRIMARY KEY (partner_id, device)
) WITHOUT ROWID;
"""

V19_DEVICE_ROW_DIGESTS = """
-- A digest of what each item's record held when it last matched its row (docs/devices.md):
-- a sync with no edit compares the rows with these, without reading the records.
ALTER TABLE device_item_ids ADD COLUMN digest TEXT;
-- The records waiting to be sent, found without reading every record.
CREATE INDEX device_records_unsent ON device_records(module) WHERE unsent = 1;
"""

MIGRATIONS: tuple[str, ...] = (V1_TOOLBOX + _search_triggers(), V2_SYNC, V3_DYADS,
                                 V4_AGREEMENTS, V5_SHARING, V6_FORUM, V7_PRUNE_CIPHERTEXT,
                                 V8_FORUM_UNVERIFIED, V9_FORUM_RELAY_KEYS, V10_REVOCATION_ACKS,
                                 V11_FORM_DRAFTS, V12_KEYED_SEARCH,
                                 V13_DECLINES_AND_HISTORY, V14_RESTORE, V15_DEVICES,
                                 V16_DEVICE_RECORDS, V17_DEVICE_ROWS, V18_PARTNER_DEVICES,
                                 V19_DEVICE_ROW_DIGESTS)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the schema up to ``target``, each step in one transaction. Returns the version.

    The transaction is written into the script itself: ``executescript`` would commit a
    transaction opened around it, and a half-applied migration must never be committed.
    """
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise VaultError(
            _(
                "This vault was written by a newer ReConnect (schema {v}). Please update ReConnect."
            ).format(v=version)
        )
    pruned = False
    while version < target:
        step = MIGRATIONS[version]
        script = f"BEGIN IMMEDIATE;\n{step}\nPRAGMA user_version = {version + 1};\nCOMMIT;"
        try:
            conn.executescript(script)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        pruned = pruned or step is V7_PRUNE_CIPHERTEXT
        version += 1
    if pruned:
        _give_back_freed_space(conn)
    return version


VACUUM_ABOVE_BYTES = 1024 * 1024


def _give_back_freed_space(conn: Connection) -> None:
    """Once, after V7 emptied the ciphertext a vault kept: shrink the file when that freed
    more than a megabyte (SQLite reuses free pages but never returns them by itself)."""
    free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
    page = int(conn.execute("PRAGMA page_size").fetchone()[0])
    if free * page > VACUUM_ABOVE_BYTES:
        conn.execute("VACUUM")
