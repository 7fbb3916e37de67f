"""The packet file: a small clear header, then zlib-compressed JSON lines encrypted with AES-GCM
under a key derived from the passphrase with argon2id; the header is authenticated as AAD.

Layout: MAGIC (8 bytes) · format version (1 byte) · header length (4 bytes, big-endian) ·
header (JSON: kdf parameters, salt, nonce) · ciphertext · GCM tag (16 bytes). The first line of
the payload is the manifest; each further line is one item (a record, a tombstone, an event).
Nothing of a packet is trusted before its tag is verified, and hostile sizes are refused: the
file, the header, the argon2 cost and the decompressed payload all have limits.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import struct
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from workstation.errors import WorkstationError

MAGIC = b"CSWPKT\r\n"
FORMAT_VERSION = 1
TAG_BYTES = 16
# argon2id: RFC 9106's second recommended profile, with 64 MiB of memory.
KDF_TIME_COST = 3
KDF_MEMORY_KIB = 64 * 1024
KDF_PARALLELISM = 1
# Limits against hostile files (a packet of 1,000,000 leads is well under them).
MAX_HEADER_BYTES = 4096
MAX_FILE_BYTES = 2 * 1024**3
MAX_PAYLOAD_BYTES = 2 * 1024**3
MAX_KDF_MEMORY_KIB = 1024 * 1024
MAX_KDF_TIME_COST = 16
MAX_KDF_PARALLELISM = 16
MIN_PASSPHRASE = 8
_CHUNK = 1 << 20


class PacketError(WorkstationError):
    """A packet that cannot be read: not a packet, truncated, altered, wrong passphrase."""


def _derive(passphrase: str, salt: bytes, t: int, m: int, p: int) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        passphrase.encode("utf-8"),
        salt,
        time_cost=t,
        memory_cost=m,
        parallelism=p,
        hash_len=32,
        type=Type.ID,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def write_packet(
    path: Path, passphrase: str, manifest: dict[str, Any], items: Iterable[dict[str, Any]]
) -> str:
    """Write the packet to `path` (through a temporary file in the same folder, so a failed or
    cancelled export leaves nothing); returns its SHA-256. `items` may be a generator: it is
    compressed and encrypted as it comes."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    salt, nonce = os.urandom(16), os.urandom(12)
    header = json.dumps(
        {
            "kdf": "argon2id",
            "t": KDF_TIME_COST,
            "m": KDF_MEMORY_KIB,
            "p": KDF_PARALLELISM,
            "salt": _b64(salt),
            "cipher": "aes-256-gcm",
            "nonce": _b64(nonce),
            "compression": "zlib",
        },
        sort_keys=True,
    ).encode("ascii")
    prefix = MAGIC + bytes([FORMAT_VERSION]) + struct.pack(">I", len(header)) + header
    key = _derive(passphrase, salt, KDF_TIME_COST, KDF_MEMORY_KIB, KDF_PARALLELISM)
    encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(prefix)
    compressor = zlib.compressobj(6)
    digest = hashlib.sha256(prefix)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as out:
            out.write(prefix)

            def emit(data: bytes) -> None:
                if data:
                    sealed = encryptor.update(data)
                    digest.update(sealed)
                    out.write(sealed)

            first = json.dumps(manifest, ensure_ascii=False, separators=(",", ":")) + "\n"
            buffer: list[bytes] = [first.encode("utf-8")]
            size = len(buffer[0])
            for item in items:
                line = json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n"
                buffer.append(line.encode("utf-8"))
                size += len(buffer[-1])
                if size >= _CHUNK:
                    emit(compressor.compress(b"".join(buffer)))
                    buffer, size = [], 0
            emit(compressor.compress(b"".join(buffer)))
            emit(compressor.flush())
            tail = encryptor.finalize()
            digest.update(tail)
            out.write(tail)
            digest.update(encryptor.tag)
            out.write(encryptor.tag)
            out.flush()
            os.fsync(out.fileno())
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return digest.hexdigest()


def _refuse(path: Path, why: str) -> PacketError:
    return PacketError(f"交换包“{path.name}”{why}；未写入任何内容")


def _header(path: Path, data: bytes) -> tuple[dict[str, Any], int]:
    if not data:
        raise PacketError(f"“{path.name}”是空文件，不是工作站交换包；未写入任何内容")
    if len(data) < len(MAGIC) + 5 or data[: len(MAGIC)] != MAGIC:
        if MAGIC.startswith(data[: len(MAGIC)]) and len(data) < len(MAGIC) + 5:
            raise _refuse(path, "不完整（文件被截断）")
        raise PacketError(f"“{path.name}”不是工作站交换包；未写入任何内容")
    version = data[len(MAGIC)]
    if version != FORMAT_VERSION:
        raise _refuse(path, f"的格式版本 {version} 本程序不认识，请升级工作站")
    (length,) = struct.unpack(">I", data[len(MAGIC) + 1 : len(MAGIC) + 5])
    start = len(MAGIC) + 5
    if length > MAX_HEADER_BYTES:
        raise _refuse(path, "的文件头已损坏")
    if len(data) < start + length:
        raise _refuse(path, "不完整（文件被截断）")
    try:
        header = json.loads(data[start : start + length].decode("ascii"))
        params = {k: int(header[k]) for k in ("t", "m", "p")}
        base64.b64decode(header["salt"], validate=True)
        base64.b64decode(header["nonce"], validate=True)
        ok = header.get("kdf") == "argon2id" and header.get("cipher") == "aes-256-gcm"
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise _refuse(path, "的文件头已损坏或被改动") from exc
    if not ok or header.get("compression") != "zlib":
        raise _refuse(path, "的文件头已被改动或损坏（或使用了本程序不支持的加密方式）")
    if not (
        1 <= params["t"] <= MAX_KDF_TIME_COST
        and 8 <= params["m"] <= MAX_KDF_MEMORY_KIB
        and 1 <= params["p"] <= MAX_KDF_PARALLELISM
    ):
        raise _refuse(path, "的密钥参数超出允许范围（文件可能被改动）")
    return header, start + length


def open_packet(path: Path, passphrase: str) -> tuple[list[Any], str]:
    """Verify and decrypt a packet: (the decoded lines, manifest first; the file's SHA-256).
    Raises PacketError with a Chinese message for anything else than an intact packet sealed
    with this passphrase."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise PacketError(f"交换包文件“{path}”不存在") from exc
    except OSError as exc:
        raise PacketError(f"无法读取交换包“{path}”：{exc.strerror}") from exc
    if path.is_dir():
        raise PacketError(f"“{path}”是一个文件夹，不是交换包")
    if size > MAX_FILE_BYTES:
        raise _refuse(path, f"超过 {MAX_FILE_BYTES // 1024**2} MB 的上限")
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        head = handle.read(len(MAGIC) + 5 + MAX_HEADER_BYTES)
        header, body_start = _header(path, head)
        if size < body_start + TAG_BYTES:
            raise _refuse(path, "不完整（文件被截断）")
        prefix = head[:body_start]
        digest.update(prefix)
        handle.seek(size - TAG_BYTES)
        tag = handle.read(TAG_BYTES)
        key = _derive(
            passphrase,
            base64.b64decode(header["salt"]),
            int(header["t"]),
            int(header["m"]),
            int(header["p"]),
        )
        nonce = base64.b64decode(header["nonce"])
        if len(nonce) < 8:
            raise _refuse(path, "的文件头已损坏或被改动")
        decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(prefix)
        inflater = zlib.decompressobj()
        plain = bytearray()
        handle.seek(body_start)
        remaining = size - TAG_BYTES - body_start
        broken = False
        while remaining > 0:
            chunk = handle.read(min(_CHUNK, remaining))
            if not chunk:
                raise _refuse(path, "不完整（文件被截断）")
            remaining -= len(chunk)
            digest.update(chunk)
            data = decryptor.update(chunk)
            if broken:
                continue
            try:
                # Never inflate past the limit: a few kilobytes can unpack to gigabytes.
                room = MAX_PAYLOAD_BYTES - len(plain) + 1
                plain += inflater.decompress(data, room)
                while inflater.unconsumed_tail and len(plain) <= MAX_PAYLOAD_BYTES:
                    room = MAX_PAYLOAD_BYTES - len(plain) + 1
                    plain += inflater.decompress(inflater.unconsumed_tail, room)
            except zlib.error:
                broken = True  # reported below: an altered file fails its tag as well
            if len(plain) > MAX_PAYLOAD_BYTES:
                raise _refuse(path, f"解压后超过 {MAX_PAYLOAD_BYTES // 1024**2} MB 的上限")
        digest.update(tag)
    try:
        decryptor.finalize()
    except InvalidTag as exc:
        raise _refuse(path, "无法解开：口令不正确，或文件已被改动、损坏") from exc
    if broken or not inflater.eof:
        raise _refuse(path, "的内容已损坏")
    try:
        lines = [json.loads(line) for line in bytes(plain).decode("utf-8").splitlines() if line]
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise _refuse(path, "的内容已损坏") from exc
    if not all(isinstance(line, dict) for line in lines):
        raise _refuse(path, "的内容不符合交换包格式")
    if not lines or not isinstance(lines[0], dict) or lines[0].get("kind") != "manifest":
        raise _refuse(path, "缺少清单")
    return lines, digest.hexdigest()
