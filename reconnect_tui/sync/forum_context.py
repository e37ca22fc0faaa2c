"""What every forum service of one vault shares: the vault, the clock, the repository, the
pickle key, the per-forum Olm accounts, and the checks on a forum's state.

One :class:`ForumContext` per ``Forums`` (``sync/forum.py``); the membership, posting, reading
and inbound services each hold it. Headless: no Textual here.
"""

from __future__ import annotations

from datetime import UTC, datetime

import nacl.signing
import vodozemac

from .. import wire as protocol  # the relay wire format, as in the other forum modules
from ..clock import Clock, utc_now
from ..errors import ForumError, NotFound
from ..i18n import _
from ..model import Role
from ..store.repositories.forum import ForumRecord, ForumRepository, MemberRecord
from ..store.vault import Vault
from . import olm
from .forum_states import ForumState, forum_state


class ForumContext:
    """The shared state of the forum services of one unlocked vault."""

    def __init__(self, vault: Vault, *, clock: Clock = utc_now) -> None:
        self.vault = vault
        self.clock = clock
        self.repo = ForumRepository(vault)
        self.pickle_key = olm.pickle_key(vault.key)
        self._accounts: dict[str, vodozemac.Account] = {}

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def require_user(self) -> None:
        if self.vault.profile().role is not Role.USER:
            raise ForumError(_(
                "Peer forums are for service users; provider vaults do not join them."))

    # -- a forum and the state this vault is in --------------------------------------------

    def record(self, forum_id: str) -> ForumRecord:
        record = self.repo.forum(forum_id)
        if record is None:
            raise NotFound(_("No forum with id {id}.").format(id=forum_id))
        return record

    def active(self, forum_id: str) -> ForumRecord:
        """The forum, when this vault may post and act in it (``ForumState.ACTIVE``)."""
        record = self.record(forum_id)
        state = forum_state(record.status)
        if state is ForumState.JOINING:
            raise ForumError(_(
                "You are not let in yet: the moderator's welcome arrives with a sync after"
                " they have synced."))
        if state is ForumState.REMOVED:
            raise ForumError(_(
                "You were removed from this forum: what was posted before stays readable,"
                " but you cannot post or act in it."))
        return record

    def moderated(self, forum_id: str) -> ForumRecord:
        record = self.active(forum_id)
        if not record.moderator:
            raise ForumError(_("Only the forum's moderator can do that."))
        return record

    # -- this vault's identity in a forum ----------------------------------------------------

    def account(self, record: ForumRecord) -> vodozemac.Account:
        """This vault's identity in one forum (a separate account per forum: members of two
        forums cannot link the same person by key)."""
        if record.id not in self._accounts:
            self._accounts[record.id] = olm.load_account(record.account_pickle, self.pickle_key)
        return self._accounts[record.id]

    def remember_account(self, forum_id: str, account: vodozemac.Account) -> None:
        """The account as just stored (after a change in a transaction that committed)."""
        self._accounts[forum_id] = account

    def forget_account(self, forum_id: str) -> None:
        """Drop the cached account: a transaction that changed it was rolled back."""
        self._accounts.pop(forum_id, None)

    def my_keys(self, record: ForumRecord) -> tuple[str, str]:
        account = self.account(record)
        return account.ed25519_key.to_base64(), account.curve25519_key.to_base64()

    def others(self, record: ForumRecord) -> list[MemberRecord]:
        """Current members other than me."""
        me, _curve = self.my_keys(record)
        return [m for m in self.repo.members(record.id) if m.ed25519 != me]

    def relay_key(self, forum_id: str) -> nacl.signing.SigningKey:
        """The key this forum's relay requests are signed with (its own; made at first use,
        as ``sync/service.py`` makes it for a sync)."""
        seed = self.repo.relay_seed(forum_id)
        if seed is None:
            raise NotFound(_("No forum with id {id}.").format(id=forum_id))
        return protocol.relay_signing_key(seed)
