"""The background jobs page (admins): registered jobs with "Run now", the run log, one run."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.core.errors import DomainError
from crm.core.htmx import is_htmx
from crm.jobs.forms import RunFilterForm
from crm.jobs.selectors import job_labels, job_list, job_run_get, job_run_list
from crm.jobs.services import job_run_now

RECENT_RUNS = 50


@crm_view("jobs.job.view")
def jobs_page(request):
    form = RunFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    runs = list(
        job_run_list(user=request.user, job=filters.get("job", ""), status=filters.get("status", ""))[:RECENT_RUNS]
    )
    context = {
        "runs": runs,
        "labels": job_labels(),
        "pending": any(not run.finished for run in runs),
        "filter_form": form,
    }
    if is_htmx(request) and request.htmx.target == "job-runs":
        return render(request, "jobs/partials/run_table.html", context)
    context["jobs"] = job_list(user=request.user)
    return render(request, "jobs/job_list.html", context)


@crm_view("jobs.job.run", methods=("POST",))
def job_run(request, name: str):
    try:
        run = job_run_now(actor=request.user, name=name)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
        return redirect("jobs:job_list")
    run.refresh_from_db()
    messages.success(
        request,
        _("%(job)s: run #%(id)s started, status %(status)s.")
        % {"job": job_labels().get(name, name), "id": run.pk, "status": run.get_status_display()},
    )
    return redirect(f"{reverse('jobs:job_list')}?{urlencode({'job': name})}#runs")


@crm_view("jobs.job.view")
def run_detail(request, pk: int):
    run = job_run_get(user=request.user, pk=pk)
    return render(request, "jobs/run_detail.html", {"run": run, "label": job_labels().get(run.job, run.job)})
