"""REST API of the customers app (API.md): /api/v1/customers/ and what hangs off it."""

from rest_framework.routers import SimpleRouter

from crm.customers.api import views

CUSTOMER = r"customers/(?P<customer_pk>\d+)"

router = SimpleRouter()
router.register("customers/pool", views.PoolCustomerViewSet, basename="pool-customer")
router.register("customers", views.CustomerViewSet, basename="customer")
router.register(f"{CUSTOMER}/timeline", views.CustomerTimelineViewSet, basename="customer-timeline")
router.register(f"{CUSTOMER}/contacts", views.CustomerContactViewSet, basename="customer-contact")
router.register(f"{CUSTOMER}/follow-ups", views.CustomerFollowUpViewSet, basename="customer-followup")
router.register(f"{CUSTOMER}/interactions", views.CustomerInteractionViewSet, basename="customer-interaction")
router.register(f"{CUSTOMER}/attachments", views.CustomerAttachmentViewSet, basename="customer-attachment")
router.register(f"{CUSTOMER}/contracts", views.CustomerContractViewSet, basename="customer-contract")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("follow-ups", views.FollowUpViewSet, basename="followup")
router.register("interactions", views.InteractionViewSet, basename="interaction")
router.register("attachments", views.AttachmentViewSet, basename="attachment")
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("customer-tags", views.TagViewSet, basename="customer-tag")
router.register("customer-custom-fields", views.CustomFieldViewSet, basename="customer-custom-field")
router.register("customer-pools", views.PoolViewSet, basename="customer-pool")
router.register("customer-duplicate-rules", views.DuplicateRuleViewSet, basename="customer-duplicate-rule")
router.register("customer-transfer-requests", views.TransferRequestViewSet, basename="customer-transfer-request")
router.register("customer-views", views.SavedViewViewSet, basename="customer-view")

urlpatterns = router.urls
