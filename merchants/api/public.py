from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.generics import RetrieveAPIView
from rest_framework.permissions import AllowAny

from core.coords import CoordTypeMixin
from merchants.models import ShopStatus
from merchants.selectors import shop_detail_queryset

from .serializers import ShopDetailSerializer


@extend_schema(tags=["discovery"], summary="A shop's page: services, photos, hours, rating")
class ShopDetailView(CoordTypeMixin, RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = ShopDetailSerializer

    def get_queryset(self):
        # Suspended and hidden shops are not found at all.
        return shop_detail_queryset(timezone.now()).filter(status=ShopStatus.ACTIVE)
