"""Every write to client records (R-CRM). Other apps refuse work for a blacklisted or
terminated client through ``ensure_serviceable`` / ``ensure_all_serviceable`` (R-CRM-5).

The package splits by subject; import from ``hragency.clients.services`` only.
"""

from hragency.clients.services.agreements import (
    STANDARD_HANDOVER_ITEMS,
    add_handover_item,
    create_agreement,
    expire_agreements,
    remove_handover_item,
    renew_agreement,
    sign_agreement,
    terminate_agreement,
    update_agreement,
    update_handover_item,
)
from hragency.clients.services.base import (
    BLACKLISTED_MESSAGE,
    ensure_all_serviceable,
    ensure_serviceable,
    require,
)
from hragency.clients.services.records import (
    add_contact,
    blacklist_client,
    complete_intake,
    create_client,
    create_intake,
    record_licence_download,
    remove_contact,
    update_client,
    update_contact,
    update_intake,
    upload_licence,
)
from hragency.clients.services.review import (
    decide_review,
    ensure_review_approved,
    record_first_review,
)

__all__ = [
    "BLACKLISTED_MESSAGE",
    "STANDARD_HANDOVER_ITEMS",
    "add_contact",
    "add_handover_item",
    "blacklist_client",
    "complete_intake",
    "create_agreement",
    "create_client",
    "create_intake",
    "decide_review",
    "ensure_all_serviceable",
    "ensure_review_approved",
    "ensure_serviceable",
    "expire_agreements",
    "record_first_review",
    "record_licence_download",
    "remove_contact",
    "remove_handover_item",
    "renew_agreement",
    "require",
    "sign_agreement",
    "terminate_agreement",
    "update_agreement",
    "update_client",
    "update_contact",
    "update_handover_item",
    "update_intake",
    "upload_licence",
]
