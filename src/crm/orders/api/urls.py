"""REST API of the orders app (read side): orders, a customer's history, products and inventory."""

from rest_framework.routers import SimpleRouter

from crm.orders.api import views

router = SimpleRouter()
router.register(r"customers/(?P<customer_pk>\d+)/orders", views.CustomerOrderViewSet, basename="customer-order")
router.register("orders", views.OrderViewSet, basename="order")
router.register("products", views.ProductViewSet, basename="product")
router.register("inventory", views.StockViewSet, basename="stock")

urlpatterns = router.urls
