"""REST API of the customers app (API.md): /api/v1/customers/ and what hangs off it."""

from rest_framework.routers import SimpleRouter

from crm.customers.api import customers, related, settings, transfers

CUSTOMER = r"customers/(?P<customer_pk>\d+)"

router = SimpleRouter()
router.register("customers/pool", customers.PoolCustomerViewSet, basename="pool-customer")
router.register("customers", customers.CustomerViewSet, basename="customer")
router.register(f"{CUSTOMER}/timeline", related.CustomerTimelineViewSet, basename="customer-timeline")
router.register(f"{CUSTOMER}/contacts", related.CustomerContactViewSet, basename="customer-contact")
router.register(f"{CUSTOMER}/follow-ups", related.CustomerFollowUpViewSet, basename="customer-followup")
router.register(f"{CUSTOMER}/interactions", related.CustomerInteractionViewSet, basename="customer-interaction")
router.register(f"{CUSTOMER}/attachments", related.CustomerAttachmentViewSet, basename="customer-attachment")
router.register(f"{CUSTOMER}/contracts", related.CustomerContractViewSet, basename="customer-contract")
router.register("contacts", related.ContactViewSet, basename="contact")
router.register("follow-ups", related.FollowUpViewSet, basename="followup")
router.register("interactions", related.InteractionViewSet, basename="interaction")
router.register("attachments", related.AttachmentViewSet, basename="attachment")
router.register("contracts", related.ContractViewSet, basename="contract")
router.register("customer-tags", settings.TagViewSet, basename="customer-tag")
router.register("customer-custom-fields", settings.CustomFieldViewSet, basename="customer-custom-field")
router.register("customer-pools", settings.PoolViewSet, basename="customer-pool")
router.register("customer-duplicate-rules", settings.DuplicateRuleViewSet, basename="customer-duplicate-rule")
router.register("customer-transfer-requests", transfers.TransferRequestViewSet, basename="customer-transfer-request")
router.register("customer-views", settings.SavedViewViewSet, basename="customer-view")

urlpatterns = router.urls
