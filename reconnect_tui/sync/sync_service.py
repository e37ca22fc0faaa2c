"""One sync of a vault: send what is due, exchange envelopes with the relay, then process what
arrived for linked devices, dyads, sharing and forums.

``SyncService`` drives all three, so it lives beside them rather than in ``dyads.py``. The app's
session hands it the services it already built (one Olm identity per unlock); the command line
calls ``sync_and_process``, which builds them for one sync.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from ..clock import utc_now
from ..errors import RelayError
from ..model import Role
from ..store.repositories.dyads import DyadRepository
from ..store.repositories.forum import ForumRepository
from ..store.repositories.sync_state import SyncStateRepository
from ..store.vault import Vault
from ..wire.push import MAX_SUBSCRIBE_MAILBOXES
from . import restore
from .agreements import Agreements
from .device_fanout import Fanout
from .devices import Devices
from .dyads import Dyads
from .engine import SyncReport
from .forum import Forums
from .live import PushTarget
from .service import connect
from .sharing import Sharing

STALE_AFTER = timedelta(days=30)
"""An unanswered invitation's mailbox is read this long past its expiry: an answer taken just
before expiry may be delivered late (the relay keeps envelopes 30 days)."""


class SyncService:
    """Syncs one vault with its relay, through the services given (or its own)."""

    def __init__(self, vault: Vault, *, dyads: Dyads | None = None,
                 sharing: Sharing | None = None, agreements: Agreements | None = None,
                 forums: Forums | None = None) -> None:
        self.vault = vault
        self.dyads = dyads if dyads is not None else Dyads(vault)
        self.sharing = sharing if sharing is not None else Sharing(vault, dyads=self.dyads)
        self.agreements = (agreements if agreements is not None
                           else Agreements(vault, dyads=self.dyads))
        self.forums = forums if forums is not None else Forums(vault)
        self.devices = Devices(vault)  # links with the person's own devices (docs/devices.md)

    def sync(self, relay_url: str, *, force: bool = True, timeout: float = 10.0) -> SyncReport:
        """Send a provider's check-ins that are due, sync, decrypt what arrived, then deliver
        the receipts and confirmations that queued. Due check-ins go out here, not when a
        screen loads: loading only reads."""
        vault = self.vault
        self.agreements.send_due_checkins()  # a service user has none to send
        with connect(vault, relay_url, timeout=timeout) as engine:
            try:  # before anything is deposited or fetched (docs/dyads.md, restore); only
                # with a dyad: a vault with forums only never uses its own relay key
                if DyadRepository(vault).partners():
                    restore.check(vault, engine.relay, utc_now())
            except RelayError as error:
                return SyncReport(waiting=engine.state.waiting_count(), offline=True,
                                  error=str(error))
            self.dyads.send_resets()  # also those a sync cut short left to do
            self.devices.send_records()  # edits made here, to the person's other devices
            fanout = Fanout(vault)  # dyads to own devices, the device list to partners
            fanout.step()
            _retire_stale_mailboxes(vault, engine.state)
            problems: list[str] = []
            shared = _share_step(problems, self.sharing.publish, engine.relay)
            report = engine.sync(force=force)
            self.devices.process_inbox()
            self.dyads.process_inbox()
            self.sharing.announce_after_resets()  # after a reset (docs/dyads.md, restore)
            self.forums.inbound.process()
            fanout.step()  # a device linked in this sync gets the dyads now
            if not report.offline and engine.state.waiting_count():
                second = engine.sync(force=True)
                report.sent += second.sent
                report.received += second.received
                report.waiting = second.waiting
                report.offline = second.offline
                report.error = second.error
                report.refused.extend(second.refused)
                report.dropped += second.dropped
                self.devices.process_inbox()
                self.dyads.process_inbox()
                self.sharing.announce_after_resets()
                self.forums.inbound.process()
            if not report.offline:
                shared = _share_step(problems, self.sharing.fetch, engine.relay) or shared
            report.shared = shared
            report.problems.extend(problems)
            if restore.take_notice(vault):  # found now, or by a sync the relay cut short
                report.restored = True
                report.restored_from = restore.restored_from(vault)
        return report


    def work_due(self) -> bool:
        """Something waits to go out now: a queued envelope whose time has come (another
        process may have queued it) or a provider's check-in that fell due."""
        from ..clock import epoch_seconds

        if SyncStateRepository(self.vault).due(epoch_seconds(), limit=1):
            return True
        return self.vault.profile().role is Role.PROVIDER and bool(
            self.agreements.due_checkins())

    def push_targets(self) -> list[PushTarget]:
        """The claimed inbound mailboxes by the key that reads them: the vault's own, then each
        forum's (its own key, on a channel of its own, docs/forum.md)."""
        from .. import wire
        from .service import forum_relay_key

        state = SyncStateRepository(self.vault)
        signers = state.mailbox_signers()
        groups: dict[str, list[str]] = {}
        for mailbox, claimed, _cursor in state.inbound_mailboxes():
            if claimed:
                groups.setdefault(signers.get(mailbox, ""), []).append(mailbox)
        targets = []
        for signer in sorted(groups):  # "" (the vault's own key) first
            key = (forum_relay_key(self.vault, signer) if signer
                   else wire.relay_signing_key(state.device_seed()))
            targets.append(PushTarget(key, tuple(groups[signer][:MAX_SUBSCRIBE_MAILBOXES])))
        return targets


def sync_and_process(vault: Vault, relay_url: str, *, force: bool = True,
                     timeout: float = 10.0) -> SyncReport:
    """One sync with services made for it (``reconnect sync`` and the other commands)."""
    return SyncService(vault).sync(relay_url, force=force, timeout=timeout)


def _retire_stale_mailboxes(vault: Vault, state: SyncStateRepository) -> None:
    before = utc_now() - STALE_AFTER
    stale = (DyadRepository(vault).stale_invitation_mailboxes(before)
             + ForumRepository(vault).stale_invitation_mailboxes(before))
    if stale:
        state.retire_mailboxes(stale)


def _share_step(problems: list[str], step: Callable[[Any], Any], relay: Any) -> bool:
    """Run a sharing step of a sync; a relay that is down leaves it for the next sync (the
    message part of the sync reports that). True when something was published or fetched."""
    try:
        result = step(relay)
    except RelayError:
        return False
    problems.extend(result.problems)
    return bool(result.published or result.deleted or result.fetched)
