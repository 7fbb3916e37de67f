"""Encryption at rest: the store key and its key slots in the store's key file (`<store>.keys`).

One random 256-bit store key encrypts the store (SQLCipher, raw-key form). The key file holds
that key wrapped once per user, by a key derived from the user's own password (argon2id, then
AES-256-GCM), and once more by a recovery key printed once when the key file is made. So each
user types only their own password, and a password change rewraps one slot.

Tampering is detected twice over: each slot's AES-GCM associated data binds the store id, the
slot kind, the login and the derivation parameters, and the whole file carries an HMAC keyed by
the store key (checked after unwrapping), so a slot removed, added or copied from another key
file is refused as well — "密钥文件已损坏或被篡改".

For the users service (the open store gives the key: ``store.key``):
- a user added, a password reset by an admin, or a user changing their own password (after the
  service has checked the old one): ``set_user_password(store, login, password)``
- a user disabled: ``remove_user_slot(store, login)`` (and enabled again: set_user_password)
Without an open store, ``rewrap(keyring_path(path), login, old, new)`` changes a password by
opening the slot with the old one.
Each is a no-op for a plain store, so the service can call it unconditionally; call it inside
the write transaction of the account change, so a failure to write the key file rolls the
account change back.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.errors import AuthError, StoreError
from workstation.store.engine import STORE_KEY_BYTES, file_is_plain_sqlite

if TYPE_CHECKING:
    from workstation.store.engine import Store

KEYRING_SUFFIX = ".keys"
FORMAT = "workstation-keyring"
VERSION = 1
TAMPERED = "密钥文件已损坏或被篡改"
# Crockford's base32: no I, L, O or U, so a key written down by hand reads back unambiguously.
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_CHARS = 32  # 160 bits
RECOVERY_GROUP = 4


class KeyringTampered(StoreError):
    """The key file does not verify: damaged, or changed by something other than this program."""

    def __init__(self, message: str = TAMPERED) -> None:
        super().__init__(message)


@dataclasses.dataclass(frozen=True)
class KdfParams:
    """argon2id parameters (RFC 9106's second recommended profile: 3 passes over 64 MiB)."""

    time_cost: int = 3
    memory_cost: int = 65_536  # KiB
    parallelism: int = 4


DEFAULT_KDF = KdfParams()


def keyring_path(store_path: str | os.PathLike[str]) -> Path:
    """The key file of a store: beside it, named `<store file>.keys`."""
    path = Path(store_path)
    return path.with_name(path.name + KEYRING_SUFFIX)


def is_encrypted(store_path: str | os.PathLike[str]) -> bool:
    """Whether the store file is an encrypted store: not plain SQLite, with a key file beside it."""
    path = Path(store_path)
    return file_is_plain_sqlite(path) is False and keyring_path(path).exists()


def new_store_key() -> bytes:
    return secrets.token_bytes(STORE_KEY_BYTES)


# --- the key file -------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise KeyringTampered
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except ValueError as exc:
        raise KeyringTampered from exc


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _mac(store_key: bytes, body: dict[str, Any]) -> str:
    mac_key = hashlib.sha256(b"workstation keyring mac\x00" + store_key).digest()
    unsigned = {k: v for k, v in body.items() if k != "mac"}
    return hmac.new(mac_key, _canonical(unsigned), hashlib.sha256).hexdigest()


def _derive(secret: str, salt: bytes, params: KdfParams) -> tuple[bytes, bytes]:
    """(wrapping key, check value) from a password or recovery key; the check value tells a
    wrong password (it differs) from a damaged slot (it matches, the unwrapping fails)."""
    from argon2.low_level import Type, hash_secret_raw

    out = hash_secret_raw(
        unicodedata.normalize("NFC", secret).encode("utf-8"),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
        hash_len=64,
        type=Type.ID,
    )
    return out[:32], hashlib.sha256(out[32:]).digest()


def _associated_data(store_id: str, kind: str, login: str | None, kdf: dict[str, Any]) -> bytes:
    return _canonical(
        {"format": FORMAT, "store_id": store_id, "kind": kind, "login": login, "kdf": kdf}
    )


def _wrap(
    store_key: bytes, store_id: str, kind: str, login: str | None, secret: str, params: KdfParams
) -> dict[str, Any]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt = secrets.token_bytes(16)
    kdf = {
        "name": "argon2id",
        "version": 19,
        "time_cost": params.time_cost,
        "memory_cost": params.memory_cost,
        "parallelism": params.parallelism,
        "salt": _b64(salt),
    }
    wrapping_key, check = _derive(secret, salt, params)
    nonce = secrets.token_bytes(12)
    wrapped = AESGCM(wrapping_key).encrypt(
        nonce, store_key, _associated_data(store_id, kind, login, kdf)
    )
    slot = {"kind": kind, "kdf": kdf, "check": _b64(check), "nonce": _b64(nonce)}
    slot["wrapped"] = _b64(wrapped)
    if login is not None:
        slot["login"] = login
    return slot


def _unwrap(slot: dict[str, Any], store_id: str, secret: str) -> bytes | None:
    """The store key, or None when the secret is wrong; KeyringTampered when the slot is."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kdf = slot.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
        raise KeyringTampered
    try:
        params = KdfParams(int(kdf["time_cost"]), int(kdf["memory_cost"]), int(kdf["parallelism"]))
        if not (1 <= params.time_cost <= 100 and 8 <= params.memory_cost <= 4_194_304):
            raise KeyringTampered
        if not 1 <= params.parallelism <= 64:
            raise KeyringTampered
    except (KeyError, TypeError, ValueError) as exc:
        raise KeyringTampered from exc
    wrapping_key, check = _derive(secret, _unb64(kdf.get("salt")), params)
    if not hmac.compare_digest(check, _unb64(slot.get("check"))):
        return None
    try:
        store_key = AESGCM(wrapping_key).decrypt(
            _unb64(slot.get("nonce")),
            _unb64(slot.get("wrapped")),
            _associated_data(store_id, str(slot.get("kind")), slot.get("login"), kdf),
        )
    except (InvalidTag, ValueError) as exc:
        raise KeyringTampered from exc
    if len(store_key) != STORE_KEY_BYTES:
        raise KeyringTampered
    return store_key


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise StoreError(f"找不到密钥文件“{path}”，加密的数据库无法打开") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyringTampered from exc
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise KeyringTampered from exc
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise KeyringTampered
    if body.get("version") != VERSION:
        raise StoreError(f"密钥文件“{path}”由更新版本的工作站创建，请升级工作站")
    if not isinstance(body.get("store_id"), str) or not isinstance(body.get("slots"), list):
        raise KeyringTampered
    if not all(isinstance(s, dict) for s in body["slots"]):
        raise KeyringTampered
    if not isinstance(body.get("recovery"), dict):
        raise KeyringTampered
    return body


def _verify(body: dict[str, Any], store_key: bytes) -> None:
    if not hmac.compare_digest(str(body.get("mac")), _mac(store_key, body)):
        raise KeyringTampered


def write_private(path: Path, data: bytes) -> None:
    """Replace a file atomically with one readable by its owner only: a crash leaves the old
    file or the new one, never a part."""
    tmp = path.with_name(path.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _write(path: Path, body: dict[str, Any], store_key: bytes) -> None:
    body = {k: v for k, v in body.items() if k != "mac"}
    body["mac"] = _mac(store_key, body)
    write_private(path, json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One writer of a key file at a time (two admins adding users at once on a shared disk)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; changes are rare and made by an admin
        yield
        return
    fd = os.open(path.with_name(path.name + ".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _check_login(login: str) -> str:
    login = (login or "").strip()
    if not login:
        raise AuthError("登录名不能为空")
    return login


def _slot_index(body: dict[str, Any], login: str) -> int | None:
    for index, slot in enumerate(body["slots"]):
        if slot.get("login") == login:
            return index
    return None


# --- the recovery key ---------------------------------------------------------------------


def new_recovery_key() -> str:
    """160 random bits as 32 characters in groups of 4, for a person to write down."""
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CHARS))
    return format_recovery_key(chars)


def format_recovery_key(chars: str) -> str:
    return "-".join(chars[i : i + RECOVERY_GROUP] for i in range(0, len(chars), RECOVERY_GROUP))


def normalize_recovery_key(text: str) -> str:
    """What a person typed back: any case, spaces or dashes, O for 0 and I or L for 1."""
    folded = unicodedata.normalize("NFKC", text).upper()
    folded = folded.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    chars = "".join(ch for ch in folded if ch not in " -\t\r\n")
    if len(chars) != RECOVERY_CHARS or any(ch not in RECOVERY_ALPHABET for ch in chars):
        raise AuthError(f"恢复密钥应为 {RECOVERY_CHARS} 个字母或数字（可含空格、短横线）")
    return format_recovery_key(chars)


# --- the API --------------------------------------------------------------------------------


def create_keyring(
    path: str | os.PathLike[str],
    *,
    store_key: bytes | None = None,
    params: KdfParams = DEFAULT_KDF,
) -> tuple[bytes, str]:
    """Make a new key file at `path` (refusing to replace one): a store key (new unless given)
    and a recovery slot. Returns (store key, recovery key); show the recovery key once."""
    path = Path(path)
    if path.exists():
        raise StoreError(f"密钥文件“{path}”已存在，未作改动")
    store_key = store_key or new_store_key()
    recovery = new_recovery_key()
    store_id = str(uuid.uuid4())
    body = {
        "format": FORMAT,
        "version": VERSION,
        "store_id": store_id,
        "slots": [],
        "recovery": _wrap(store_key, store_id, "recovery", None, recovery, params),
    }
    with _locked(path):
        _write(path, body, store_key)
    return store_key, recovery


def add_slot(
    path: str | os.PathLike[str],
    store_key: bytes,
    login: str,
    password: str,
    *,
    params: KdfParams = DEFAULT_KDF,
) -> None:
    """Give `login` a slot opened by `password` (replacing their slot if they have one: a
    password reset by an admin, or after recovery)."""
    path, login = Path(path), _check_login(login)
    with _locked(path):
        body = _read(path)
        _verify(body, store_key)
        slot = _wrap(store_key, body["store_id"], "password", login, password, params)
        index = _slot_index(body, login)
        if index is None:
            body["slots"].append(slot)
        else:
            body["slots"][index] = slot
        _write(path, body, store_key)


def remove_slot(path: str | os.PathLike[str], store_key: bytes, login: str) -> bool:
    """Take `login`'s slot away (a disabled user); whether there was one."""
    path = Path(path)
    with _locked(path):
        body = _read(path)
        _verify(body, store_key)
        index = _slot_index(body, login)
        if index is None:
            return False
        del body["slots"][index]
        _write(path, body, store_key)
    return True


def unlock(path: str | os.PathLike[str], login: str, password: str) -> bytes:
    """The store key, from `login`'s slot opened by their password.

    AuthError for an unknown login or a wrong password; KeyringTampered when the slot or the
    file fails its check."""
    path, login = Path(path), _check_login(login)
    body = _read(path)
    index = _slot_index(body, login)
    if index is None:
        raise AuthError(f"用户“{login}”没有此数据库的密钥，请管理员为其重设密码")
    store_key = _unwrap(body["slots"][index], body["store_id"], password)
    if store_key is None:
        raise AuthError(f"用户“{login}”的密码不正确")
    _verify(body, store_key)
    return store_key


def unlock_with_recovery(path: str | os.PathLike[str], recovery_key: str) -> bytes:
    """The store key, from the recovery slot (an admin who lost every password)."""
    path = Path(path)
    body = _read(path)
    store_key = _unwrap(body["recovery"], body["store_id"], normalize_recovery_key(recovery_key))
    if store_key is None:
        raise AuthError("恢复密钥不正确")
    _verify(body, store_key)
    return store_key


def rewrap(
    path: str | os.PathLike[str],
    login: str,
    old_password: str,
    new_password: str,
    *,
    params: KdfParams = DEFAULT_KDF,
) -> None:
    """A password change: `login`'s slot, opened by the old password, rewrapped by the new."""
    path = Path(path)
    with _locked(path):
        store_key = unlock(path, login, old_password)
        body = _read(path)
        index = _slot_index(body, login)
        assert index is not None
        body["slots"][index] = _wrap(
            store_key, body["store_id"], "password", login, new_password, params
        )
        _write(path, body, store_key)


def replace_recovery_key(
    path: str | os.PathLike[str], store_key: bytes, *, params: KdfParams = DEFAULT_KDF
) -> str:
    """A new recovery key (the old one lost, or never seen); the old one stops working."""
    path = Path(path)
    recovery = new_recovery_key()
    with _locked(path):
        body = _read(path)
        _verify(body, store_key)
        body["recovery"] = _wrap(store_key, body["store_id"], "recovery", None, recovery, params)
        _write(path, body, store_key)
    return recovery


def slot_logins(path: str | os.PathLike[str]) -> list[str]:
    """The logins that have a slot (unverified: for display only)."""
    body = _read(Path(path))
    return [str(s.get("login")) for s in body["slots"]]


def unlock_store(store_path: str | os.PathLike[str], login: str, password: str) -> bytes:
    """The key of the store at `store_path`, for `open_store(..., key=...)`."""
    return unlock(keyring_path(store_path), login, password)


# --- for the users service: no-ops on a plain store ----------------------------------------


def _store_keyring(store: Store) -> tuple[Path, bytes] | None:
    if not getattr(store, "is_encrypted", False):
        return None
    assert store.path is not None
    assert store.key is not None
    return keyring_path(store.path), store.key


def set_user_password(store: Store, login: str, password: str) -> None:
    """A user added or their password set: their slot opens with `password` from now on."""
    found = _store_keyring(store)
    if found is not None:
        add_slot(found[0], found[1], login, password)


def remove_user_slot(store: Store, login: str) -> None:
    """A user disabled: their password no longer opens the store."""
    found = _store_keyring(store)
    if found is not None:
        remove_slot(found[0], found[1], login)
