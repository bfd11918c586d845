"""The service desk (R-DESK, R-CMP): tickets from every channel, their conversation and
history, service-level policies, routing rules, feedback, complaints and quality sampling.

A ticket's history and its conversation are one table (`TicketEvent`): a reply to the client,
a message from the client (any channel), an internal note and a state change are all events,
so the portal's progress view, the e-mail thread and the QA sample read the same rows.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from hragency.core.business import BusinessModule
from hragency.core.crypto import EncryptedTextField


class Channel(models.TextChoices):
    """R-DESK-1 intake channels."""

    PHONE = "phone", "电话热线"
    WALK_IN = "walk_in", "现场来访"
    PORTAL = "portal", "客户门户"
    CHAT = "chat", "在线客服"
    EMAIL = "email", "邮件"
    WECOM = "wecom", "企业微信"
    DINGTALK = "dingtalk", "钉钉"
    SMS = "sms", "短信"
    WEIBO = "weibo", "微博"
    APP = "app", "APP/小程序"
    KIOSK = "kiosk", "自助终端"


class Nature(models.TextChoices):
    """R-DESK-2 by nature of the request."""

    INQUIRY = "inquiry", "信息咨询"
    OPERATION = "operation", "操作请求"
    COMPLAINT = "complaint", "投诉建议"
    EMERGENCY = "emergency", "紧急事件"


class Urgency(models.TextChoices):
    NORMAL = "normal", "普通"
    URGENT = "urgent", "紧急"
    CRITICAL = "critical", "特急"


class Ticket(models.Model):
    """工单. `first_owner` is the rep who first took the request (首问责任人, R-DESK-6): they
    stay answerable until it is solved, whoever handles it meanwhile."""

    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        IN_PROGRESS = "in_progress", "处理中"
        WAITING = "waiting", "待客户反馈"
        RESOLVED = "resolved", "已解决"
        CLOSED = "closed", "已关闭"

    number = models.CharField("工单号", max_length=20, unique=True)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name="客户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    contact = models.ForeignKey(
        "clients.Contact",
        verbose_name="联系人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    contact_name = models.CharField("联系人姓名", max_length=60, blank=True)
    contact_phone = EncryptedTextField("联系电话", blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    channel = models.CharField("渠道", max_length=12, choices=Channel.choices)
    module = models.CharField("业务模块", max_length=20, choices=BusinessModule.choices)
    nature = models.CharField("问题性质", max_length=12, choices=Nature.choices)
    urgency = models.CharField(
        "紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    subject = models.CharField("标题", max_length=200)
    description = models.TextField("问题描述")
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="处理部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    first_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="首问责任人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="first_owned_tickets",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="当前处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_tickets",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="created_tickets",
    )
    created_at = models.DateTimeField("登记时间", db_index=True)
    first_response_at = models.DateTimeField("首次响应时间", null=True, blank=True)
    resolved_at = models.DateTimeField("解决时间", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    solution = models.TextField("解决方案", blank=True)
    # Working minutes from intake to resolution, excluding time spent waiting for the client.
    handling_minutes = models.PositiveIntegerField("处理时长（工作分钟）", null=True, blank=True)
    sla_policy = models.ForeignKey(
        "servicedesk.SlaPolicy",
        verbose_name="服务级别",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    response_due_at = models.DateTimeField("响应时限", null=True, blank=True)
    resolution_due_at = models.DateTimeField("解决时限", null=True, blank=True)
    paused_at = models.DateTimeField("暂停计时于", null=True, blank=True)
    return_reason = models.TextField("退单原因", blank=True)
    return_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="退单申请人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    urge_count = models.PositiveSmallIntegerField("催办次数", default=0)
    supervised = models.BooleanField("督办中", default=False)
    answered_from_kb = models.BooleanField("知识库直接解答", default=False)
    kb_article_id = models.PositiveIntegerField("引用知识库文章", null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField("满意度", null=True, blank=True)
    satisfaction_comment = models.TextField("评价意见", blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    feedback_token = models.CharField(max_length=43, blank=True, db_index=True)
    feedback_sent_at = models.DateTimeField("结果反馈时间", null=True, blank=True)
    follow_up_plan = models.TextField("后续跟进计划", blank=True)
    # The gateway's conversation or thread id, so later messages of it join this ticket.
    external_thread = models.CharField(max_length=200, blank=True, db_index=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "工单"
        verbose_name_plural = "工单"
        ordering = ["-created_at"]
        permissions = [
            ("handle_ticket", "处理工单"),
            ("supervise_ticket", "督办、退单审核与改派工单"),
            ("triage_ticket", "处理未归属客户的来件"),
            ("score_quality", "质检评分"),
            ("manage_complaint", "处理投诉"),
        ]
        indexes = [
            models.Index(fields=["client", "status"]),
            models.Index(fields=["handler", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class TicketEvent(models.Model):
    """One line of a ticket's conversation or history."""

    class Kind(models.TextChoices):
        CREATED = "created", "登记"
        MESSAGE_IN = "message_in", "客户留言"
        REPLY = "reply", "答复客户"
        NOTE = "note", "内部备注"
        ACCEPT = "accept", "受理"
        TRANSFER = "transfer", "转办"
        REASSIGN = "reassign", "改派"
        URGE = "urge", "催办"
        SUPERVISE = "supervise", "督办"
        RETURN_REQUEST = "return_request", "申请退单"
        RETURN_APPROVED = "return_approved", "退单通过"
        RETURN_REFUSED = "return_refused", "退单驳回"
        WAIT = "wait", "等待客户"
        RESUME = "resume", "恢复处理"
        RESOLVE = "resolve", "解决"
        REOPEN = "reopen", "重新打开"
        CLOSE = "close", "关闭"
        FEEDBACK_SENT = "feedback_sent", "结果反馈"
        RATED = "rated", "客户评价"
        FOLLOW_UP = "follow_up", "主管跟进"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who the client sees as the author when there is no user (a gateway, an e-mail sender).
    author_name = models.CharField("发送人", max_length=120, blank=True)
    channel = models.CharField("渠道", max_length=12, choices=Channel.choices, blank=True)
    body = models.TextField("内容", blank=True)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visible_to_client = models.BooleanField("客户可见", default=False)
    # E-mail threading: our Message-ID for a reply sent, the sender's for a mail received.
    message_id = models.CharField(max_length=250, blank=True, db_index=True)
    created_at = models.DateTimeField("时间", db_index=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "工单记录"
        verbose_name_plural = "工单记录"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_kind_display()}"


def _attachment_path(instance: TicketAttachment, filename: str) -> str:
    # A random name under a private prefix (MEDIA_ROOT is never served by URL); the sender's
    # file name is kept only as data.
    extension = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    if not extension.isalnum():
        extension = "bin"
    return f"private/desk/{instance.ticket_id}/{uuid.uuid4().hex}.{extension}"


class TicketAttachment(models.Model):
    """A file a client sent with a message (an e-mail's attachments), kept with the ticket and
    downloaded through the ticket's own scoping."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        TicketEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField("文件", upload_to=_attachment_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100, blank=True)
    size = models.PositiveIntegerField("大小（字节）")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "工单附件"
        verbose_name_plural = "工单附件"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class SlaPolicy(models.Model):
    """A service level (R-DESK-4): the most specific active policy matching a ticket's nature,
    urgency, module and channel applies (a blank criterion matches anything)."""

    class Calendar(models.TextChoices):
        OFFICE = "office", "工作时间"
        HOTLINE = "hotline", "全天候（7×24）"

    name = models.CharField("名称", max_length=80)
    nature = models.CharField("问题性质", max_length=12, choices=Nature.choices, blank=True)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, blank=True)
    module = models.CharField("业务模块", max_length=20, choices=BusinessModule.choices, blank=True)
    channel = models.CharField("渠道", max_length=12, choices=Channel.choices, blank=True)
    response_minutes = models.PositiveIntegerField("首次响应（分钟）")
    resolution_minutes = models.PositiveIntegerField("解决（分钟）")
    calendar = models.CharField(
        "计时日历", max_length=10, choices=Calendar.choices, default=Calendar.OFFICE
    )
    warn_minutes = models.PositiveIntegerField("提前预警（分钟）", default=30)
    active = models.BooleanField("启用", default=True)
    source = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "服务级别策略"
        verbose_name_plural = "服务级别策略"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Where a ticket of a module (and nature) goes when the rep cannot answer it: a department,
    and within it the member serving the client with `role`, else any member with it."""

    module = models.CharField("业务模块", max_length=20, choices=BusinessModule.choices)
    nature = models.CharField("问题性质", max_length=12, choices=Nature.choices, blank=True)
    department = models.ForeignKey(
        "accounts.Department", verbose_name="处理部门", on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField("处理角色", max_length=30, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "分派规则"
        verbose_name_plural = "分派规则"
        ordering = ["module", "nature"]

    def __str__(self) -> str:
        return f"{self.get_module_display()} → {self.department}"


class ClassificationKeyword(models.Model):
    """A word that suggests a module, nature or urgency when it appears in a request."""

    word = models.CharField("关键词", max_length=40)
    module = models.CharField("业务模块", max_length=20, choices=BusinessModule.choices, blank=True)
    nature = models.CharField("问题性质", max_length=12, choices=Nature.choices, blank=True)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, blank=True)
    weight = models.PositiveSmallIntegerField("权重", default=1)

    class Meta:
        verbose_name = "分类关键词"
        verbose_name_plural = "分类关键词"
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class Gateway(models.Model):
    """A messaging gateway allowed to post to the intake webhook (chat, WeCom, DingTalk, SMS,
    app). Requests are signed with its secret; `code` is the path segment."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=80)
    channel = models.CharField("渠道", max_length=12, choices=Channel.choices)
    secret = EncryptedTextField("签名密钥")
    active = models.BooleanField("启用", default=True)
    callback_url = models.URLField("回调地址", blank=True, help_text="答复经此地址发回网关")

    class Meta:
        verbose_name = "消息网关"
        verbose_name_plural = "消息网关"

    def __str__(self) -> str:
        return self.name


class InboundMessage(models.Model):
    """Every message received from a gateway or by e-mail, once: the (source, external id)
    pair is unique, so a gateway's retry or a re-polled mail is not a second ticket."""

    source = models.CharField("来源", max_length=60)
    external_id = models.CharField("消息ID", max_length=250)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.ForeignKey(
        TicketEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField("接收时间")
    sender = models.CharField("发送方", max_length=250, blank=True)
    outcome = models.CharField("处理结果", max_length=200, blank=True)

    class Meta:
        verbose_name = "来件记录"
        verbose_name_plural = "来件记录"
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="inbound_once")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class FollowUp(models.Model):
    """A supervisor's follow-up of a ticket rated 3 or lower (R-DESK-7): a new plan within
    24 hours, a second visit within 3 days."""

    class Status(models.TextChoices):
        OPEN = "open", "跟进中"
        PLANNED = "planned", "已制定方案"
        DONE = "done", "已二次回访"

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="follow_up")
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="跟进主管",
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField("不满意原因", blank=True)
    plan = models.TextField("调整方案", blank=True)
    planned_at = models.DateTimeField("方案时间", null=True, blank=True)
    visit_notes = models.TextField("二次回访记录", blank=True)
    visit_score = models.PositiveSmallIntegerField("二次回访满意度", null=True, blank=True)
    visited_at = models.DateTimeField("二次回访时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间")

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "不满意跟进"
        verbose_name_plural = "不满意跟进"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"跟进 {self.ticket_id}"


class ImprovementCase(models.Model):
    """服务质量改进案例库: a case worth learning from (low rating, complaint)."""

    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField("标题", max_length=200)
    problem = models.TextField("问题")
    improvement = models.TextField("改进措施", blank=True)
    source = models.CharField("来源", max_length=40)
    created_at = models.DateTimeField("创建时间")

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "改进案例"
        verbose_name_plural = "改进案例"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Complaint(models.Model):
    """A complaint or suggestion (R-CMP): class, named investigator, due 24 h (normal) or 48 h
    with a rectification plan (major)."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "投诉"
        SUGGESTION = "suggestion", "建议"

    class Severity(models.TextChoices):
        MAJOR = "major", "重大投诉"
        NORMAL = "normal", "一般投诉"
        MALICIOUS = "malicious", "恶意投诉"

    class Status(models.TextChoices):
        INVESTIGATING = "investigating", "调查中"
        CONCLUDED = "concluded", "已办结"

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="complaint")
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    severity = models.CharField("投诉等级", max_length=10, choices=Severity.choices, blank=True)
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="调查人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_department = models.ForeignKey(
        "accounts.Department",
        verbose_name="涉及部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=14, choices=Status.choices, default=Status.INVESTIGATING
    )
    findings = models.TextField("调查结论", blank=True)
    upheld = models.BooleanField("投诉属实", default=False)
    rectification_plan = models.TextField("整改方案", blank=True)
    reply_promised_on = models.DateField("承诺答复日期", null=True, blank=True)
    due_at = models.DateTimeField("办结时限", null=True, blank=True)
    concluded_at = models.DateTimeField("办结时间", null=True, blank=True)
    summarised_in_week = models.CharField("周汇总", max_length=10, blank=True)
    created_at = models.DateTimeField("登记时间")

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "投诉建议"
        verbose_name_plural = "投诉建议"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ticket_id}"


class QualitySample(models.Model):
    """One closed ticket drawn for quality review (R-DESK-9) and its score."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="quality")
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="客服", on_delete=models.PROTECT, related_name="+"
    )
    sampled_on = models.DateField("抽检日期", db_index=True)
    scorer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评分人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scores = models.JSONField("分项得分", default=dict, blank=True)
    total = models.PositiveSmallIntegerField("总分", null=True, blank=True)
    comment = models.TextField("评语", blank=True)
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "质检抽样"
        verbose_name_plural = "质检抽样"
        ordering = ["-sampled_on", "pk"]

    def __str__(self) -> str:
        return f"质检 {self.ticket_id}"


class QualityReview(models.Model):
    """The monthly quality review meeting (月度服务质量复盘会)."""

    month = models.CharField("月份", max_length=7, unique=True)
    held_on = models.DateField("召开日期", null=True, blank=True)
    findings = models.TextField("主要问题", blank=True)
    actions = models.TextField("改进措施", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)

    class Meta:
        verbose_name = "月度质检复盘"
        verbose_name_plural = "月度质检复盘"
        ordering = ["-month"]

    def __str__(self) -> str:
        return self.month
