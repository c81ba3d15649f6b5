from rest_framework.routers import SimpleRouter

from crm.dictionary.api.views import DictionaryCategoryViewSet, DictionaryItemViewSet, RegionViewSet

router = SimpleRouter()
router.register("dictionary-items", DictionaryItemViewSet, basename="dictionary-item")
router.register("dictionary-categories", DictionaryCategoryViewSet, basename="dictionary-category")
router.register("regions", RegionViewSet, basename="region")

urlpatterns = router.urls
