"""What an uploaded document (archive papers, a client's licence) may be: size, extension and
the file's own first bytes.

The browser's Content-Type and the file name are the uploader's claims; the magic bytes are
what the file is. Both must agree before anything is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

# extension → (content type, magic prefix)
_TYPES: dict[str, tuple[str, bytes]] = {
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "pdf": ("application/pdf", b"%PDF-"),
}
IMAGE_TYPES = ("image/jpeg", "image/png")
ALLOWED_LABEL = "JPG、PNG 或 PDF"


def max_bytes() -> int:
    """Upload size limit, 10 MB unless settings say otherwise."""
    return int(getattr(settings, "EMPLOYEES_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))


@dataclass(frozen=True)
class Sniffed:
    extension: str
    content_type: str


class RejectedFile(ValueError):
    """Why an upload was refused, in words the user reads."""


def check_upload(name: str, size: int, head: bytes, *, images_only: bool = False) -> Sniffed:
    """Accept or refuse a file from its name, size and first bytes."""
    if size <= 0:
        raise RejectedFile("文件为空")
    limit = max_bytes()
    if size > limit:
        raise RejectedFile(
            f"文件过大：{size / 1024 / 1024:.1f} MB，最大 {limit // 1024 // 1024} MB"
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in _TYPES:
        raise RejectedFile(f"文件类型不支持：只接受 {ALLOWED_LABEL} 文件")
    content_type, magic = _TYPES[extension]
    if not head.startswith(magic):
        raise RejectedFile(f"文件内容与扩展名 .{extension} 不符，请上传真实的 {ALLOWED_LABEL} 文件")
    if images_only and content_type not in IMAGE_TYPES:
        raise RejectedFile("照片只接受 JPG 或 PNG 图片")
    return Sniffed(extension, content_type)
