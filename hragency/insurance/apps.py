from django.apps import AppConfig


class InsuranceConfig(AppConfig):
    name = "hragency.insurance"
    label = "insurance"
    verbose_name = "社保公积金"

    def ready(self) -> None:
        from hragency.clients.timeline import register_actions
        from hragency.core.imports.base import register

        register("si_orders", "hragency.insurance.importers.SiOrderImporter")
        register("si_policies", "hragency.insurance.importers.PolicyImporter")
        register("si_bases", "hragency.insurance.bases.BaseAdjustmentImporter")
        # action → (label, visible to the client's HR users)
        register_actions(
            {
                "insurance.order_submit": ("提交增减员单", True),
                "insurance.order_done": ("增减员单已办理", True),
                "insurance.order_reject": ("增减员单被退回", True),
                "insurance.order_cancel": ("撤销增减员单", True),
                "insurance.bases_confirmed": ("确认缴费基数", True),
                "insurance.enroll": ("开始参保", False),
                "insurance.unenroll": ("停止参保", False),
                "insurance.set_rate": ("设置参保费率", False),
                "admin.change.insurance.enrollment": ("系统管理员修改参保记录", False),
                "admin.change.insurance.clientrate": ("系统管理员修改客户费率", False),
                "admin.add.insurance.clientrate": ("系统管理员添加客户费率", False),
                "insurance.base_adjust": ("缴费基数调整", True),
                "insurance.policy_notice": ("政策变更通知", True),
                "insurance.incident_report": ("报告社保异常", True),
                "insurance.incident_respond": ("社保异常已响应", True),
                "insurance.incident_resolve": ("社保异常已解决（异常处理报告）", True),
                "insurance.incident_close": ("社保异常已关闭", True),
                "insurance.back_pay": ("补缴", True),
                "insurance.refund": ("退费", True),
                "insurance.adjustment_status": ("补缴/退费状态变更", False),
                "insurance.declaration_prepare": ("生成申报", False),
                "insurance.declaration_export": ("导出申报文件", False),
                "insurance.declaration_declared": ("已申报", True),
                "insurance.declaration_result": ("登记申报结果", True),
                "insurance.declaration_download": ("下载申报回执/缴费凭证", False),
            }
        )
