"""Page, API and export of the test records, built exactly as business modules build theirs."""

from django.http import HttpResponse
from django.shortcuts import render
from rest_framework import serializers

from crm.access.decorators import crm_view
from crm.access.drf import FieldRulesMixin
from crm.access.engine import access_for
from crm.core.api.viewsets import CrmReadOnlyViewSet
from crm.imports.exports import Column, export_rows

from .models import Note, Record

RESOURCE = "scopedapp.record"


@crm_view("scopedapp.record.view")
def record_list(request):
    records = access_for(request.user).scoped(RESOURCE, Record.objects.order_by("id"))
    return render(request, "scopedapp/list.html", {"records": records, "resource": RESOURCE})


@crm_view()
def record_detail(request, pk):
    record = access_for(request.user).get(RESOURCE, pk)
    return render(request, "scopedapp/list.html", {"records": [record], "resource": RESOURCE})


@crm_view()
def record_export(request):
    exported = export_rows(
        actor=request.user,
        resource_code=RESOURCE,
        queryset=Record.objects.order_by("id"),
        columns=[Column("name", "name"), Column("phone", "phone"), Column("email", "email")],
        fmt=request.GET.get("format", "csv"),
    )
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


class RecordSerializer(FieldRulesMixin, serializers.ModelSerializer):
    resource = RESOURCE

    class Meta:
        model = Record
        fields = ["id", "name", "phone", "email", "note", "owner"]


class RecordViewSet(CrmReadOnlyViewSet):  # the default permissions: the engine
    resource = RESOURCE
    serializer_class = RecordSerializer

    def get_queryset(self):
        return access_for(self.request.user).scoped(RESOURCE, Record.objects.order_by("id"))


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "text", "record", "author"]


class NoteViewSet(CrmReadOnlyViewSet):
    resource = "scopedapp.note"
    serializer_class = NoteSerializer

    def get_queryset(self):
        return access_for(self.request.user).scoped("scopedapp.note", Note.objects.order_by("id"))
