from django.urls import path

from crm.orders.views import orders, products, unmatched

app_name = "orders"

urlpatterns = [
    path("customer/<int:pk>/", orders.customer_orders, name="history"),
    path("customer/<int:pk>/section/", orders.customer_orders_section, name="history_section"),
    path("<int:pk>/", orders.order_detail, name="detail"),
    path("products/", products.product_list, name="products"),
    path("inventory/", products.stock_list, name="inventory"),
    path("unmatched/", unmatched.unmatched_list, name="unmatched"),
    path("unmatched/resolve/", unmatched.resolve, name="resolve"),
    path("unmatched/customers/", unmatched.resolve_customers, name="resolve_customers"),
]
