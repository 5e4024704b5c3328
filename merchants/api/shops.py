"""The merchant's own shops and services: owners everything, staff with manage_shops only
their assigned shops. Another merchant's shop or service is 404."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts.permissions import IsMerchantMember, IsMerchantOwner
from core.coords import CoordTypeMixin, WGS84InputMixin
from core.errors import NotFound
from merchants import services
from merchants.errors import NotAMerchant, PublicServiceNotBookable
from merchants.models import Category, PhotoKind, Service, Shop, StaffPermission
from merchants.selectors import merchant_of, shop_detail_queryset, shop_for_edit, shops_of

from .serializers import (
    HoursExceptionSerializer,
    HoursSerializer,
    MerchantServiceSerializer,
    MerchantShopSerializer,
    PhotoSerializer,
    ServicePhotoSerializer,
    ServiceSerializer,
)

MANAGE = StaffPermission.MANAGE_SHOPS


class ShopInputSerializer(WGS84InputMixin, serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    categories = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), many=True, allow_empty=False
    )
    address = serializers.CharField(max_length=200)
    lat = serializers.FloatField(min_value=-90, max_value=90, help_text="GPS or map pin")
    lng = serializers.FloatField(min_value=-180, max_value=180)
    phone = PhoneNumberField(required=False, allow_blank=True, default="")
    price_level = serializers.IntegerField(min_value=1, max_value=4, default=2)

    def validate(self, attrs):
        if ("lat" in attrs) != ("lng" in attrs):
            raise serializers.ValidationError({"lng": [_("lat 和 lng 需同时提供。")]})
        return attrs


class HoursSetSerializer(serializers.Serializer):
    hours = HoursSerializer(many=True, help_text="Replaces the whole week.")

    def validate_hours(self, spans):
        for span in spans:
            if not 0 <= span["weekday"] <= 6:
                raise serializers.ValidationError(_("weekday 取值 0（周一）到 6（周日）。"))
        return spans


class PhotoUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PhotoKind.choices)
    image = serializers.ImageField()


class ServicePhotoUploadSerializer(serializers.Serializer):
    image = serializers.ImageField()


def shop_output(shop_id: int, request) -> dict:
    shop = shop_detail_queryset(timezone.now()).get(pk=shop_id)
    return MerchantShopSerializer(shop, context={"request": request}).data


@extend_schema_view(
    list=extend_schema(tags=["merchant"], responses=MerchantShopSerializer(many=True)),
    retrieve=extend_schema(tags=["merchant"], responses=MerchantShopSerializer),
    create=extend_schema(
        tags=["merchant"], request=ShopInputSerializer, responses={201: MerchantShopSerializer}
    ),
    partial_update=extend_schema(
        tags=["merchant"], request=ShopInputSerializer, responses=MerchantShopSerializer
    ),
)
class ShopViewSet(
    CoordTypeMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    errors = {"create": (NotAMerchant,), "list": (NotAMerchant,)}
    permission_classes = [IsMerchantMember]
    serializer_class = MerchantShopSerializer
    lookup_value_regex = r"\d+"  # anything else is not found, never a 500 from int("abc")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return shop_detail_queryset(timezone.now()).none()
        ids = shops_of(self.request.user).values("pk")
        return shop_detail_queryset(timezone.now()).filter(pk__in=ids).order_by("-pk")

    def get_permissions(self):
        if self.action == "create":
            return [IsMerchantOwner()]
        return super().get_permissions()

    def create(self, request):
        data = ShopInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        shop = services.shop_create(merchant=merchant_of(request.user), **data.validated_data)
        return Response(shop_output(shop.pk, request), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        shop = shop_for_edit(user=request.user, shop_id=pk, permission=MANAGE)
        data = ShopInputSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        services.shop_update(shop=shop, **data.validated_data)
        return Response(shop_output(shop.pk, request))

    @extend_schema(tags=["merchant"], request=HoursSetSerializer, responses=MerchantShopSerializer)
    @action(detail=True, methods=["put"])
    def hours(self, request, pk=None):
        shop = shop_for_edit(user=request.user, shop_id=pk, permission=MANAGE)
        data = HoursSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.shop_hours_set(shop=shop, spans=data.validated_data["hours"])
        return Response(shop_output(shop.pk, request))

    @extend_schema(
        tags=["merchant"],
        request=HoursExceptionSerializer,
        responses={201: HoursExceptionSerializer},
    )
    @action(detail=True, methods=["post"], url_path="hours-exceptions")
    def hours_exceptions(self, request, pk=None):
        shop = shop_for_edit(user=request.user, shop_id=pk, permission=MANAGE)
        data = HoursExceptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        exception = services.hours_exception_set(
            shop=shop,
            day=fields["date"],
            is_closed=fields.get("is_closed", True),
            opens=fields.get("opens"),
            closes=fields.get("closes"),
            note=fields.get("note", ""),
        )
        return Response(HoursExceptionSerializer(exception).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["merchant"],
        parameters=[OpenApiParameter("day", str, OpenApiParameter.PATH, description="YYYY-MM-DD")],
        responses={204: None},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"hours-exceptions/(?P<day>\d{4}-\d{2}-\d{2})",
    )
    def hours_exception_delete(self, request, pk=None, day=None):
        shop = shop_for_edit(user=request.user, shop_id=pk, permission=MANAGE)
        try:
            day_date = date.fromisoformat(day)
        except ValueError as error:  # 2026-02-30
            raise NotFound() from error
        services.hours_exception_delete(shop=shop, day=day_date)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=["merchant"], request=PhotoUploadSerializer, responses={201: PhotoSerializer}
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request, pk=None):
        shop = shop_for_edit(user=request.user, shop_id=pk, permission=MANAGE)
        data = PhotoUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        photo = services.shop_photo_add(
            shop=shop, kind=data.validated_data["kind"], upload=data.validated_data["image"]
        )
        body = PhotoSerializer(photo, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["merchant"],
        parameters=[OpenApiParameter("photo_id", int, OpenApiParameter.PATH)],
        responses={204: None},
    )
    @action(detail=True, methods=["delete"], url_path=r"photos/(?P<photo_id>\d+)")
    def photo_delete(self, request, pk=None, photo_id=None):
        shop = shop_for_edit(user=request.user, shop_id=pk, permission=MANAGE)
        services.shop_photo_delete(shop=shop, photo_id=int(photo_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ServiceInputSerializer(serializers.ModelSerializer):
    shop = serializers.PrimaryKeyRelatedField(queryset=Shop.objects.none())

    class Meta:
        model = Service
        fields = [f for f in ServiceSerializer.Meta.fields if f not in ("id", "photos")]
        extra_kwargs = {"price_fen": {"min_value": 0}}

    def __init__(self, *args, shops=None, **kwargs):
        super().__init__(*args, **kwargs)
        if shops is not None:  # only the user's own shops can be chosen
            self.fields["shop"].queryset = shops


@extend_schema_view(
    list=extend_schema(
        tags=["merchant"],
        parameters=[OpenApiParameter("shop", int, description="only this shop's services")],
    ),
    retrieve=extend_schema(tags=["merchant"]),
    create=extend_schema(
        tags=["merchant"],
        request=ServiceInputSerializer,
        responses={201: MerchantServiceSerializer},
    ),
    partial_update=extend_schema(
        tags=["merchant"], request=ServiceInputSerializer, responses=MerchantServiceSerializer
    ),
    destroy=extend_schema(tags=["merchant"], summary="Take a service off sale"),
)
class ServiceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    errors = {"create": (NotAMerchant, NotFound, PublicServiceNotBookable), "list": (NotAMerchant,)}
    permission_classes = [IsMerchantMember]
    serializer_class = MerchantServiceSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Service.objects.none()
        services_ = Service.objects.filter(shop__in=shops_of(self.request.user))
        if shop := self.request.query_params.get("shop"):
            if not shop.isdigit():
                raise serializers.ValidationError({"shop": [_("须为门店编号。")]})
            services_ = services_.filter(shop_id=shop)
        return services_.prefetch_related("photos").order_by("-pk")

    def editable(self, pk) -> Service:
        service = self.get_object()
        shop_for_edit(user=self.request.user, shop_id=service.shop_id, permission=MANAGE)
        return service

    def create(self, request):
        data = ServiceInputSerializer(data=request.data, shops=shops_of(request.user))
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        shop = shop_for_edit(user=request.user, shop_id=fields.pop("shop").pk, permission=MANAGE)
        fields.pop("is_active", None)
        service = services.service_create(shop=shop, **fields)
        body = MerchantServiceSerializer(service, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        service = self.editable(pk)
        data = ServiceInputSerializer(data=request.data, partial=True, shops=shops_of(request.user))
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "shop"}
        service = services.service_update(service=service, **fields)
        return Response(MerchantServiceSerializer(service, context={"request": request}).data)

    def destroy(self, request, pk=None):
        # Orders will point at services: take it off sale rather than delete it.
        services.service_update(service=self.editable(pk), is_active=False)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=["merchant"],
        request=ServicePhotoUploadSerializer,
        responses={201: ServicePhotoSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request, pk=None):
        service = self.editable(pk)
        data = ServicePhotoUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        photo = services.service_photo_add(service=service, upload=data.validated_data["image"])
        body = ServicePhotoSerializer(photo, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)
