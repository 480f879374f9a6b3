"""Keyed pseudonyms and the pepper they depend on."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.privacy.pseudonym import (
    PepperError,
    chat_key,
    load_pepper,
    participant_pseudonym,
    pseudonymize,
)

PEPPER = b"k" * 32
GOOD_ENV = "x" * 32


def test_pseudonym_is_stable_across_releases() -> None:
    """A known user id and pepper give the same HMAC-SHA256 hex as in earlier releases."""
    assert pseudonymize(PEPPER, 123456789) == (
        "03704e20dbb14174278b21bb775ce293e522155690138a2d435f2ce3eeb82d64"
    )


def test_pseudonym_depends_on_pepper_and_id_and_hides_the_id() -> None:
    """Another pepper or id gives another pseudonym, and the id digits do not show through."""
    user_id = 987654321
    base = pseudonymize(PEPPER, user_id)
    assert pseudonymize(b"j" * 32, user_id) != base
    assert pseudonymize(PEPPER, user_id + 1) != base
    assert str(user_id) not in base
    assert len(base) == 64


def test_empty_pepper_is_refused() -> None:
    """An empty key would turn the HMAC into a plain, reversible hash."""
    with pytest.raises(PepperError):
        pseudonymize(b"", 1)


def test_environment_pepper_wins_over_the_file(tmp_path: Path) -> None:
    """With SAMENSPRAAK_PEPPER set, the file is neither read nor created."""
    assert load_pepper(GOOD_ENV, tmp_path, create=True) == GOOD_ENV.encode()
    assert not (tmp_path / "pepper").exists()


def test_short_environment_pepper_is_refused(tmp_path: Path) -> None:
    """A pepper under 32 characters stops start-up with a message naming the variable."""
    with pytest.raises(PepperError, match="SAMENSPRAAK_PEPPER") as caught:
        load_pepper("too-short", tmp_path, create=True)
    assert "too-short" not in str(caught.value)
    assert isinstance(caught.value, ConfigError)


def test_missing_pepper_without_create_is_refused(tmp_path: Path) -> None:
    """Without environment value or file, and without permission to create, start-up stops."""
    with pytest.raises(PepperError, match="SAMENSPRAAK_PEPPER"):
        load_pepper(None, tmp_path, create=False)
    assert list(tmp_path.iterdir()) == []


def test_created_pepper_file_is_private_and_reused(tmp_path: Path) -> None:
    """A created pepper file has mode 0600, 64 hex characters, and is read back unchanged."""
    data_dir = tmp_path / "data" / "nested"
    first = load_pepper(None, data_dir, create=True)
    path = data_dir / "pepper"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 64
    int(first, 16)
    assert load_pepper(None, data_dir, create=True) == first
    assert load_pepper(None, data_dir, create=False) == first
    assert [p.name for p in data_dir.iterdir()] == ["pepper"]


def test_created_pepper_file_is_private_under_an_open_umask(tmp_path: Path) -> None:
    """Even with umask 000 the new file is readable by its owner only."""
    old = os.umask(0)
    try:
        load_pepper(None, tmp_path, create=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "pepper").stat().st_mode) == 0o600


def test_two_creators_end_with_one_pepper(tmp_path: Path) -> None:
    """When the file appears between the check and the link, the existing pepper is kept."""
    existing = tmp_path / "pepper"
    existing.write_text("a" * 64 + "\n")
    existing.chmod(0o600)
    from bot.privacy import pseudonym

    pseudonym._create_pepper_file(existing)
    assert load_pepper(None, tmp_path, create=False) == b"a" * 64
    assert [p.name for p in tmp_path.iterdir()] == ["pepper"]


def test_readable_pepper_file_is_refused_with_the_fix(tmp_path: Path) -> None:
    """A pepper file others can read stops start-up and says `chmod 600 <path>`."""
    path = tmp_path / "pepper"
    path.write_text("b" * 64)
    path.chmod(0o644)
    with pytest.raises(PepperError) as caught:
        load_pepper(None, tmp_path, create=True)
    assert f"chmod 600 {path}" in str(caught.value)
    assert "b" * 64 not in str(caught.value)


def test_too_short_pepper_file_is_refused(tmp_path: Path) -> None:
    """A truncated pepper file is not silently used."""
    path = tmp_path / "pepper"
    path.write_text("short\n")
    path.chmod(0o600)
    with pytest.raises(PepperError, match="at least 32"):
        load_pepper(None, tmp_path, create=False)


# --- scoped participant pseudonyms and chat keys (issue 15, items 1 and 2) ---------------------


def test_participant_pseudonym_differs_per_werkgroep_step_and_round() -> None:
    """One person in two steps, rounds or werkgroepen gets unrelated pseudonyms."""
    base = participant_pseudonym(PEPPER, "42", "w1", "stap-3", 1)
    others = {
        participant_pseudonym(PEPPER, "42", "w1", "stap-6", 1),
        participant_pseudonym(PEPPER, "42", "w1", "stap-3", 2),
        participant_pseudonym(PEPPER, "42", "w2", "stap-3", 1),
        participant_pseudonym(PEPPER, "43", "w1", "stap-3", 1),
    }
    assert base not in others and len(others) == 4
    assert base == participant_pseudonym(PEPPER, "42", "w1", "stap-3", 1)  # stable: resume


def test_chat_key_and_participant_pseudonym_live_in_separate_domains() -> None:
    """Neither the chat key nor any scoped pseudonym equals the old unscoped pseudonym."""
    key = chat_key(PEPPER, "42")
    scoped = participant_pseudonym(PEPPER, "42", "w1", "stap-3", 1)
    assert key != scoped
    assert pseudonymize(PEPPER, 42) not in (key, scoped)
    assert chat_key(PEPPER, "web:42") != key  # channels do not collide


def test_scope_encoding_is_unambiguous() -> None:
    """Shifting characters between fields gives another pseudonym (no plain concatenation)."""
    assert participant_pseudonym(PEPPER, "1", "ab", "c", 1) != participant_pseudonym(
        PEPPER, "1", "a", "bc", 1
    )
    assert participant_pseudonym(PEPPER, "1", "w", "s", 11) != participant_pseudonym(
        PEPPER, "11", "w", "s", 1
    )
