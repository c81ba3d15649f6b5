"""Contracts and attachments pages: placeholder routes."""

from django.http import HttpResponse
from django.urls import path

from crm.core.views.decorators import require_function


@require_function("customers.contract.view")
def contract_list(request):
    return HttpResponse("contracts")


@require_function("customers.contract.create")
def contract_create(request):
    return HttpResponse("new contract")


urlpatterns = [
    path("contracts/", contract_list, name="contract_list"),
    path("contracts/new/", contract_create, name="contract_create"),
]
