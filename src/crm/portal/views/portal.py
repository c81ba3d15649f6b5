"""The portal's pages, for a customer's contacts (SRV-8). None of them is a staff page: each is
public to Django's login (`login_not_required`) and asks for the portal's own login instead, whose
account only ever sees its own customer's services; another id is a 404."""

from functools import wraps
from urllib.parse import quote

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from crm.core.errors import DomainError, NotFound
from crm.core.forms import errors_onto_form
from crm.core.middleware import client_ip
from crm.core.throttle import within_rate
from crm.knowledge.selectors import public_article_get, public_articles
from crm.portal import services
from crm.portal.forms import FeedbackForm, LoginForm, RequestForm, SetPasswordForm
from crm.portal.session import current_account, portal_login, portal_logout
from crm.portal.statuses import customer_status
from crm.service.models import ServiceStatus

LOGIN_RATE_ADDRESS = "20/hour"  # login posts per client address
LOGIN_RATE_EMAIL = "10/hour"  # login posts per e-mail address tried
LIST_SIZE = 100


def public(methods=("GET",)):
    """A portal page open to everybody (login, invitation)."""
    allowed = [*methods, "HEAD"] if "GET" in methods else list(methods)

    def decorator(view):
        return login_not_required(never_cache(require_http_methods(allowed)(view)))

    return decorator


def portal_page(methods=("GET",)):
    """A page for a logged-in portal account: anyone else goes to the portal's login."""
    allowed = [*methods, "HEAD"] if "GET" in methods else list(methods)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            account = current_account(request)
            if account is None:
                return redirect(f"{reverse('portal:login')}?next={quote(request.get_full_path())}")
            try:
                return view(request, account, *args, **kwargs)
            except NotFound:
                return render(request, "portal/not_found.html", {"account": account}, status=404)

        return login_not_required(never_cache(require_http_methods(allowed)(wrapper)))

    return decorator


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    hosts = {request.get_host()}
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts=hosts, require_https=request.is_secure())
    return target if safe and target.startswith("/portal/") else reverse("portal:home")


# --- login, logout, invitation -----------------------------------------------------------------------------
@public(methods=("GET", "POST"))
def login(request):
    if current_account(request) is not None and request.method == "GET":
        return redirect("portal:home")
    form = LoginForm(request.POST or None)
    context = {"form": form, "next": _next(request)}
    if request.method != "POST":
        return render(request, "portal/login.html", context)
    email = (request.POST.get("email") or "")[:200].strip().lower()
    if not within_rate(f"portal.login:{client_ip(request)}", LOGIN_RATE_ADDRESS) or not within_rate(
        f"portal.login.email:{email}", LOGIN_RATE_EMAIL
    ):
        context["error"] = _("Too many attempts; please wait a while and try again.")
        return render(request, "portal/login.html", context, status=429)
    account = None
    if form.is_valid():
        account = services.portal_authenticate(email=form.cleaned_data["email"], password=form.cleaned_data["password"])
    if account is None:
        # One answer for an unknown e-mail, a wrong password and an inactive account.
        context["error"] = _("The e-mail address or the password is not correct.")
        return render(request, "portal/login.html", context, status=400)
    portal_login(request, account)
    return redirect(_next(request))


@public(methods=("POST",))
def logout(request):
    portal_logout(request)
    return redirect("portal:login")


@public(methods=("GET", "POST"))
def accept(request, token):
    """The invitation link: the contact sets a password and is logged in."""
    try:
        account = services.invitation_account(token)
    except services.InvitationInvalid as exc:
        return render(request, "portal/invalid_link.html", {"message": exc.message}, status=400)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.portal_accept(
                token=token, password=form.cleaned_data["password"], password2=form.cleaned_data["password2"]
            )
        except services.InvitationInvalid as exc:
            return render(request, "portal/invalid_link.html", {"message": exc.message}, status=400)
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            portal_login(request, account)
            return redirect("portal:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/accept.html", {"form": form, "invited": account}, status=status)


# --- the contact's services -----------------------------------------------------------------------------
def _with_status(services_):
    for service in services_:
        service.customer_status = customer_status(service.status)
    return services_


@portal_page()
def home(request, account):
    rows = _with_status(list(services.portal_service_list(account=account)[:LIST_SIZE]))
    waiting = sum(1 for service in rows if service.status == ServiceStatus.HANDLED)
    context = {"account": account, "services": rows, "waiting": waiting, "nav": "services"}
    return render(request, "portal/home.html", context)


@portal_page(methods=("GET", "POST"))
def request_create(request, account):
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.portal_request_create(account=account, data=form.cleaned_data)
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            return redirect(f"{reverse('portal:detail', args=[service.pk])}?sent=1")
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/request_form.html", {"account": account, "form": form, "nav": "new"}, status=status)


def _detail(request, account, service, form=None, status=200):
    service.customer_status = customer_status(service.status)
    rounds = list(service.rounds.order_by("sequence"))  # the staff names are not shown
    if form is None and service.status == ServiceStatus.HANDLED:
        form = FeedbackForm()
    context = {
        "account": account,
        "service": service,
        "rounds": rounds,
        "form": form if service.status == ServiceStatus.HANDLED else None,
        "sent": request.GET.get("sent") == "1",
        "thanked": request.GET.get("thanks") == "1",
    }
    return render(request, "portal/detail.html", context, status=status)


@portal_page()
def detail(request, account, pk):
    return _detail(request, account, services.portal_service_get(account=account, pk=pk))


@portal_page(methods=("POST",))
def feedback(request, account, pk):
    service = services.portal_service_get(account=account, pk=pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.portal_feedback(
                account=account,
                service=service,
                result=form.cleaned_data["result"],
                satisfaction=form.cleaned_data["satisfaction"],
            )
        except NotFound:
            raise
        except DomainError as exc:
            errors_onto_form(form, exc)
            service = services.portal_service_get(account=account, pk=pk)
        else:
            return redirect(f"{reverse('portal:detail', args=[service.pk])}?thanks=1")
    return _detail(request, account, service, form=form, status=400)


# --- public articles of the knowledge base (SRV-8) --------------------------------------------------------------
ARTICLES_SHOWN = 30


@portal_page()
def articles(request, account):
    query = (request.GET.get("q") or "").strip()[:100]
    rows = list(public_articles(query)[:ARTICLES_SHOWN])
    context = {"account": account, "articles": rows, "q": query, "nav": "articles"}
    return render(request, "portal/articles.html", context)


@portal_page()
def article(request, account, pk):
    context = {"account": account, "article": public_article_get(pk), "nav": "articles"}
    return render(request, "portal/article.html", context)
