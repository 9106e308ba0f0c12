"""Build minimal Outlook .msg files ([MS-OXMSG] inside an [MS-CFB] container) for the tests."""

from __future__ import annotations

import struct
from pathlib import Path

import extract_msg

# [MS-OXCDATA] §2.11.1 property types used here.
_PT_LONG = 0x0003  # PtypInteger32
_PT_UNICODE = 0x001F  # PtypString (UTF-16LE)

# [MS-OXMSG] §2.4.2.1: PROPATTR_READABLE | PROPATTR_WRITABLE.
_PROP_FLAGS = 0x00000002 | 0x00000004

# PidTagStoreSupportMask (0x340D) with STORE_UNICODE_OK (0x00040000): tells a reader the
# string properties are stored as PtypString (UTF-16LE), not 8-bit PtypString8.
_TAG_STORE_SUPPORT_MASK = (0x340D << 16) | _PT_LONG
_STORE_UNICODE_OK = 0x00040000

_TAG_MESSAGE_CLASS = 0x001A  # PidTagMessageClass, e.g. "IPM.Note"
_TAG_SUBJECT = 0x0037  # PidTagSubject
_TAG_TRANSPORT_HEADERS = 0x007D  # PidTagTransportMessageHeaders: the header section as received
_TAG_BODY = 0x1000  # PidTagBody, plain text
_TAG_DISPLAY_NAME = 0x3001  # PidTagDisplayName (recipient)
_TAG_EMAIL_ADDRESS = 0x3003  # PidTagEmailAddress (recipient)
_TAG_RECIPIENT_TYPE = (0x0C15 << 16) | _PT_LONG  # PidTagRecipientType, 1 = MAPI_TO

_PROPERTIES = "__properties_version1.0"  # [MS-OXMSG] §2.4: the property stream's name
_RECIPIENT = "__recip_version1.0_#00000000"  # [MS-OXMSG] §2.2.1: first Recipient object
_NAMEID = "__nameid_version1.0"  # [MS-OXMSG] §2.2.3: named property mapping storage
_ATTACH = "__attach_version1.0_#00000000"  # [MS-OXMSG] §2.2.2: first Attachment object
_EMBEDDED = "__substg1.0_3701000D"  # [MS-OXMSG] §2.2.2.1: PidTagAttachDataObject, a message
_TAG_ATTACH_METHOD = (0x3705 << 16) | _PT_LONG  # PidTagAttachMethod, 5 = embedded message


def _stream_name(prop_id: int) -> str:
    """[MS-OXMSG] §2.1.3: a variable length value lives in "__substg1.0_" + 8 hex digits of its tag."""
    return f"__substg1.0_{prop_id:04X}{_PT_UNICODE:04X}"


def _fixed_entry(tag: int, value: int) -> bytes:
    """[MS-OXMSG] §2.4.2.1 fixed length property entry: tag, flags, 8-byte value field."""
    return struct.pack("<IIQ", tag, _PROP_FLAGS, value)


def _string_entry(prop_id: int, stream: bytes) -> bytes:
    """[MS-OXMSG] §2.4.2.2 variable length entry; for PtypString Size is the stream size + 2."""
    tag = (prop_id << 16) | _PT_UNICODE
    return struct.pack("<IIII", tag, _PROP_FLAGS, len(stream) + 2, 0)


def _property_object(
    strings: dict[int, str], fixed: dict[int, int], header: bytes
) -> tuple[bytes, dict[str, bytes]]:
    """One property stream (``header`` + entries) and the string streams it describes."""
    entries = [_fixed_entry(tag, value) for tag, value in fixed.items()]
    streams: dict[str, bytes] = {}
    for prop_id, text in strings.items():
        data = text.encode("utf-16-le")  # stored without the terminating NUL
        entries.append(_string_entry(prop_id, data))
        streams[_stream_name(prop_id)] = data
    return header + b"".join(entries), streams


def _write(
    path: Path,
    *,
    headers: str | None,
    subject: str,
    body: str,
    message_class: str,
    nested: int = 0,
) -> None:
    strings = {_TAG_MESSAGE_CLASS: message_class, _TAG_SUBJECT: subject, _TAG_BODY: body}
    if headers is not None:
        strings[_TAG_TRANSPORT_HEADERS] = headers
    # [MS-OXMSG] §2.4.1.1 top-level header: 8 reserved bytes, Next Recipient ID, Next
    # Attachment ID, Recipient Count, Attachment Count, 8 reserved bytes (32 bytes in all).
    attached = 1 if nested else 0
    top_header = struct.pack("<8xIIII8x", 1, attached, 1, attached)
    props, streams = _property_object(
        strings, {_TAG_STORE_SUPPORT_MASK: _STORE_UNICODE_OK}, top_header
    )

    writer = extract_msg.OleWriter()
    _embed(writer, "", nested)
    writer.addEntry(_PROPERTIES, props)
    for name, data in streams.items():
        writer.addEntry(name, data)

    # [MS-OXMSG] §2.2.1: one Recipient object; its property stream has an 8-byte reserved
    # header (§2.4.1.3). extract-msg 0.57 does not need it; a received message has one.
    recip_props, recip_streams = _property_object(
        {_TAG_DISPLAY_NAME: "Bob Recipient", _TAG_EMAIL_ADDRESS: "bob.recipient@gmail.com"},
        {_TAG_RECIPIENT_TYPE: 1},
        bytes(8),
    )
    writer.addEntry(_RECIPIENT, storage=True)
    writer.addEntry(f"{_RECIPIENT}/{_PROPERTIES}", recip_props)
    for name, data in recip_streams.items():
        writer.addEntry(f"{_RECIPIENT}/{name}", data)

    # [MS-OXMSG] §2.2.3: the named property mapping storage MUST exist; with no named
    # properties its GUID, entry and string streams are empty.
    writer.addEntry(_NAMEID, storage=True)
    for stream in ("00020102", "00030102", "00040102"):
        writer.addEntry(f"{_NAMEID}/__substg1.0_{stream}", b"")

    writer.write(str(path))


def _embed(writer: extract_msg.OleWriter, prefix: str, depth: int) -> None:
    """``depth`` messages each attached to the one above ([MS-OXMSG] §2.2.2.1 embedded message
    object: an attachment with PidTagAttachMethod 5 and a ``__substg1.0_3701000D`` storage)."""
    for level in range(depth):
        attach = f"{prefix}{_ATTACH}"
        attach_props, _ = _property_object({}, {_TAG_ATTACH_METHOD: 5}, bytes(8))
        writer.addEntry(attach, storage=True)
        writer.addEntry(f"{attach}/{_PROPERTIES}", attach_props)
        inner = f"{attach}/{_EMBEDDED}"
        more = 1 if level + 1 < depth else 0
        # §2.4.1.2 embedded message header: like the top level's without the last 8 bytes
        props, streams = _property_object(
            {_TAG_MESSAGE_CLASS: "IPM.Note", _TAG_SUBJECT: f"forwarded {level + 1}"},
            {_TAG_STORE_SUPPORT_MASK: _STORE_UNICODE_OK},
            struct.pack("<8xIIII", 0, more, 0, more),
        )
        writer.addEntry(inner, storage=True)
        writer.addEntry(f"{inner}/{_PROPERTIES}", props)
        for name, data in streams.items():
            writer.addEntry(f"{inner}/{name}", data)
        prefix = f"{inner}/"


def write_nested_msg(path: Path, *, headers: str, depth: int) -> None:
    """A received mail item carrying a message, carrying a message... ``depth`` levels deep."""
    _write(path, headers=headers, subject="s", body="b", message_class="IPM.Note", nested=depth)


def write_msg(
    path: Path, *, headers: str, subject: str, body: str, message_class: str = "IPM.Note"
) -> None:
    """Write a received mail item whose transport headers stream holds ``headers`` verbatim.

    No real .msg may ship in the repository, so the tests build their own. Only the
    [MS-OXMSG] layout is ours (the property stream, one stream per string property). The
    Compound File Binary container (version 3, 512-byte sectors: [MS-CFB] §2.2 header, §2.3
    FAT, §2.6 directory) is written by ``extract_msg.OleWriter``, public API of a runtime
    dependency we already have. Checked first on PyPI: ``cfb`` 0.9.3 and ``compoundfiles``
    only read, ``olefile`` only rewrites streams of an existing file at the same size, and
    the small writers (``pycfb``, ``cfbwrite``, ``ms-cfb``) are new, little-used releases.
    extract-msg reads through ``olefile``, so the writer and the reader are separate code.
    """
    _write(path, headers=headers, subject=subject, body=body, message_class=message_class)


def write_draft_msg(
    path: Path, *, subject: str, body: str, message_class: str = "IPM.Note"
) -> None:
    """Write a mail item that never crossed SMTP: no PidTagTransportMessageHeaders stream."""
    _write(path, headers=None, subject=subject, body=body, message_class=message_class)
