"""Reading a received e-mail the way Chinese mail clients write them.

- Headers: RFC 2047 words in any charset; GB2312 and GBK are decoded as GB18030 (its
  superset: mail declared gb2312 routinely carries GBK-only characters); raw 8-bit headers
  (no RFC 2047) are tried as UTF-8, then GB18030.
- Body: the first text/plain part that is not an attachment, else the first text/html part
  turned into text; base64 and quoted-printable are undone by ``get_payload(decode=True)``.
- Attachments are not kept: their names are returned so the ticket can list them.
- Quoted text of a reply is cut: lines starting with ">", and everything from
  "-----原始邮件-----", "在 … 写道：", "On … wrote:", an Outlook "发件人:/From:" header block.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "hz",
    "unicode-1-1-utf-7": "utf-7",
}


def codec(charset: str | None) -> str | None:
    if not charset:
        return None
    charset = charset.strip().strip('"').lower()
    return _SUPERSETS.get(charset, charset)


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Bytes in the declared charset, else UTF-8, else GB18030 (never raises)."""
    for candidate in (codec(charset), "utf-8", "gb18030"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def decode_header_value(raw: str | None) -> str:
    """One header's text: RFC 2047 words decoded, raw 8-bit bytes guessed."""
    if not raw:
        return ""
    if any("\udc80" <= ch <= "\udcff" for ch in raw):  # 8-bit bytes kept by surrogateescape
        raw = decode_bytes(raw.encode("ascii", "surrogateescape"))
    parts = []
    try:
        pieces = decode_header(raw)
    except Exception:  # a malformed encoded word: keep the text as it came
        return re.sub(r"\s+", " ", raw).strip()
    for value, charset in pieces:
        parts.append(decode_bytes(value, charset) if isinstance(value, bytes) else value)
    return re.sub(r"\s*\n\s*", " ", "".join(parts)).strip()


class _TextExtractor(HTMLParser):
    _BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table"}
    _SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCK:
            self.chunks.append("\n")
        elif tag == "blockquote":
            self.chunks.append("\n> ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCK:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.chunks.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [line.strip().replace("\xa0", " ") for line in "".join(parser.chunks).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_CUT_LINE = re.compile(
    r"^\s*("
    r"-{2,}\s*(原始邮件|Original Message|Forwarded message|转发邮件)\s*-{2,}"
    r"|在.{1,120}写道\s*[:：]"
    r"|On .{1,200}wrote:"
    r"|于.{1,120}写道\s*[:：]"
    r")\s*$",
    re.IGNORECASE,
)
_HEADER_BLOCK = re.compile(r"^\s*(发件人|From)\s*[:：]", re.IGNORECASE)
_HEADER_FOLLOW = re.compile(r"^\s*(发送时间|时间|日期|Sent|Date|收件人|To)\s*[:：]", re.IGNORECASE)


def strip_quoted(text: str) -> str:
    """The new part of a reply; the whole text if nothing would remain."""
    lines = text.splitlines()
    kept: list[str] = []
    for index, line in enumerate(lines):
        joined = line + " " + lines[index + 1] if index + 1 < len(lines) else line
        if _CUT_LINE.match(line) or (line.startswith("On ") and _CUT_LINE.match(joined)):
            break
        if _HEADER_BLOCK.match(line) and any(
            _HEADER_FOLLOW.match(following) for following in lines[index + 1 : index + 4]
        ):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    result = "\n".join(kept).strip()
    return result or text.strip()


@dataclass
class ParsedMail:
    message_id: str
    subject: str
    from_name: str
    from_address: str
    recipients: list[str]
    text: str
    references: list[str]
    attachments: list[str] = field(default_factory=list)
    files: list[MailFile] = field(default_factory=list)
    auto_reason: str = ""  # why it is an auto-reply or bounce, "" for a person's mail
    is_reply: bool = False


@dataclass(frozen=True)
class MailFile:
    """An attachment's name, declared type and bytes (kept on the ticket)."""

    name: str
    content_type: str
    data: bytes


_MSGID = re.compile(r"<[^<>\s]+>")
_REPLY_PREFIX = re.compile(r"^\s*(re|回复|答复|aw|sv)\s*[:：]", re.IGNORECASE)
_AUTO_SUBJECT = re.compile(
    r"^\s*(自动回复|自動回覆|automatic reply|auto[- ]?reply|out of office|undeliverable|"
    r"delivery status notification|退信|系统退信)",
    re.IGNORECASE,
)


def _headers(message: Message) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        found.setdefault(name.lower(), []).append(str(value))
    return found


def _auto_reason(headers: dict[str, list[str]], sender: str, subject: str, ctype: str) -> str:
    def first(name: str) -> str:
        return (headers.get(name) or [""])[0].strip().lower()

    if first("auto-submitted") not in ("", "no"):
        return f"Auto-Submitted: {first('auto-submitted')}"
    for name in ("x-autoreply", "x-autorespond", "x-auto-reply", "x-autoreply-from"):
        if name in headers:
            return name
    if first("precedence") in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {first('precedence')}"
    local = sender.split("@")[0].lower()
    if local in ("mailer-daemon", "postmaster") or local.startswith("mailer-daemon"):
        return f"发件人 {sender}"
    if first("return-path") == "<>":
        return "退信（Return-Path 为空）"
    if ctype == "multipart/report":
        return "退信（multipart/report）"
    if _AUTO_SUBJECT.match(subject):
        return f"主题「{subject[:40]}」"
    return ""


def _body_and_attachments(message: Message) -> tuple[str, list[str], list[MailFile]]:
    plain = html = None
    attachments: list[str] = []
    files: list[MailFile] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
        filename = part.get_filename()
        ctype = part.get_content_type()
        if disposition == "attachment" or filename:
            name = decode_header_value(filename) if filename else ctype
            attachments.append(name)
            data = part.get_payload(decode=True)
            if isinstance(data, bytes):
                files.append(MailFile(name, ctype, data))
            continue
        if ctype not in ("text/plain", "text/html"):
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        text = decode_bytes(payload, part.get_content_charset())
        if ctype == "text/plain" and plain is None:
            plain = text
        elif ctype == "text/html" and html is None:
            html = text
    if plain is not None and plain.strip():
        body = plain
    elif html is not None:
        body = html_to_text(html)
    else:
        body = plain or ""
    return body.replace("\r\n", "\n").strip(), attachments, files


def parse_mail(raw: bytes) -> ParsedMail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    headers = _headers(message)

    def header(name: str) -> str:
        return decode_header_value((headers.get(name) or [""])[0])

    subject = header("subject")
    from_name, from_address = parseaddr(header("from"))
    recipients = [
        address
        for _, address in getaddresses(
            [
                decode_header_value(v)
                for n in ("to", "cc", "delivered-to")
                for v in headers.get(n, [])
            ]
        )
        if address
    ]
    references = _MSGID.findall(
        " ".join(headers.get("in-reply-to", []) + headers.get("references", []))
    )
    message_ids = _MSGID.findall(" ".join(headers.get("message-id", [])))
    text, attachments, files = _body_and_attachments(message)
    is_reply = bool(references) or bool(_REPLY_PREFIX.match(subject))
    if is_reply:
        text = strip_quoted(text)
    return ParsedMail(
        message_id=message_ids[0] if message_ids else "",
        subject=subject,
        from_name=from_name.strip(),
        from_address=from_address.strip().lower(),
        recipients=[r.lower() for r in recipients],
        text=text,
        references=references,
        attachments=attachments,
        files=files,
        auto_reason=_auto_reason(headers, from_address, subject, message.get_content_type()),
        is_reply=is_reply,
    )
