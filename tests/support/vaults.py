"""Real vaults for tests: the shared passphrase, session templates and per-test copies."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from reconnect_tui.model import Profile, Role
from reconnect_tui.store import Vault
from reconnect_tui.store import keys as vault_keys

PASSPHRASE = "correct horse battery staple"


@dataclass(frozen=True)
class Template:
    path: Path
    recovery_code: str
    key: bytes
    header: vault_keys.KeyHeader


def make_template(directory: Path, name: str, role: Role) -> Template:
    """A new vault (made with the KDF profile in force), its recovery code and unwrapped key."""
    path = directory / "vault.db"
    vault, code = Vault.create(path, PASSPHRASE, Profile(name=name, role=role))
    key, header = vault.key, vault_keys.read_header(path)
    vault.close()
    return Template(path=path, recovery_code=code, key=key, header=header)


def copy_vault(template: Template, target_dir: Path, name: str = "vault.db") -> Path:
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / name
    shutil.copyfile(template.path, target)
    shutil.copyfile(vault_keys.header_path(template.path), vault_keys.header_path(target))
    return target
