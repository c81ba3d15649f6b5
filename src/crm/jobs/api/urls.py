from rest_framework.routers import SimpleRouter

from crm.jobs.api.views import JobRunViewSet, JobViewSet

router = SimpleRouter()
router.register("jobs", JobViewSet, basename="job")
router.register("job-runs", JobRunViewSet, basename="jobrun")

urlpatterns = router.urls
