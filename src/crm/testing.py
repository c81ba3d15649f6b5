"""Helpers for tests and the demo: build users with roles in a department tree quickly."""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from crm.access.models import Role
from crm.identity.demo import DEMO_PASSWORD
from crm.identity.models import Department, User

__all__ = [
    "DEMO_PASSWORD", "api_client", "api_error", "build_org", "click_bar", "make_department", "make_user", "screenshots",
]


def make_department(name: str, parent: Department | None = None) -> Department:
    department = Department(name=name, parent=parent)
    department.insert()
    return department


def make_user(
    username: str,
    *,
    role: str | None = None,
    department: Department | None = None,
    name: str = "",
    password: str = DEMO_PASSWORD,
    **fields,
) -> User:
    user = User(username=username, name=name or username, department=department, **fields)
    user.set_password(password)
    user.save()
    if role:
        user.roles.add(Role.objects.get(code=role))
    return user


@dataclass
class Org:
    head: Department
    east: Department
    shanghai: Department
    sales1: Department
    south: Department
    shenzhen: Department
    sales2: Department


def build_org() -> Org:
    head = make_department("总公司")
    east = make_department("华东大区", head)
    shanghai = make_department("上海分公司", east)
    sales1 = make_department("销售一部", shanghai)
    south = make_department("华南大区", head)
    shenzhen = make_department("深圳分公司", south)
    sales2 = make_department("销售二部", shenzhen)
    return Org(head, east, shanghai, sales1, south, shenzhen, sales2)


def api_client(user):
    """An API client signed in as `user` (session authentication, as the UI's own calls)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(user)
    return client


def api_error(response, status: int, code: str | None = None) -> dict:
    """The error body of an API answer, after checking its status and shape (API.md)."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]


def screenshots(page, name: str, widths=(1366, 390)) -> None:
    """A browser test's page at desktop and phone width, to look at: /tmp/shots/<name>-<width>.png."""
    shots = Path(tempfile.gettempdir()) / "shots"
    shots.mkdir(exist_ok=True)
    for width in widths:
        page.set_viewport_size({"width": width, "height": 860})
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": widths[0], "height": 860})


def fits_the_phone(page, width: int = 390) -> None:
    """Assert the page is not wider than a phone (nothing to scroll sideways), then back to desktop."""
    page.set_viewport_size({"width": width, "height": 860})
    page.wait_for_timeout(150)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.set_viewport_size({"width": 1366, "height": 860})
    assert overflow <= 0, f"{overflow}px wider than the phone"


def click_bar(page, index: int, testid: str = "report-chart") -> None:
    """Click the middle of bar `index` of an ECharts (vertical) bar chart, where ECharts puts it:
    the chart is a canvas, so there is no element of the bar to click."""
    chart = page.get_by_test_id(testid)
    x, y = chart.evaluate(
        """(el, index) => {
            const chart = echarts.getInstanceByDom(el);
            const value = chart.getOption().series[0].data[index].value;
            return chart.convertToPixel({seriesIndex: 0}, [index, value / 2]);
        }""",
        index,
    )
    box = chart.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
