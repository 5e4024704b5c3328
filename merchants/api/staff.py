from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.errors import PhoneTaken, WeakPassword
from accounts.permissions import IsMerchantOwner
from core.pagination import WholeList
from core.serializers import IdField
from merchants.errors import NotAMerchant
from merchants.models import Category, Shop, StaffMember, StaffPermission
from merchants.selectors import merchant_of
from merchants.services import staff_create, staff_update


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = ["id", "slug", "name_zh", "name_en", "parent", "is_public_service"]


@extend_schema_view(list=extend_schema(tags=["discovery"], summary="The category taxonomy"))
class CategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Both levels of the taxonomy; children name their parent."""

    permission_classes = [AllowAny]
    serializer_class = CategorySerializer
    queryset = Category.objects.all()
    pagination_class = WholeList  # the whole taxonomy on one page


class StaffSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="user.phone", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)
    is_active = serializers.BooleanField(source="user.is_active", read_only=True)
    permissions = serializers.ListField(
        child=serializers.ChoiceField(choices=StaffPermission.choices)
    )
    shops = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = StaffMember
        fields = ["id", "phone", "name", "is_active", "permissions", "shops", "created_at"]


class StaffCreateSerializer(serializers.Serializer):
    phone = PhoneNumberField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    name = serializers.CharField(max_length=60)
    permissions = serializers.ListField(
        child=serializers.ChoiceField(choices=StaffPermission.choices), default=list
    )
    shops = serializers.ListField(child=IdField(), default=list)


class StaffUpdateSerializer(serializers.Serializer):
    permissions = serializers.ListField(
        child=serializers.ChoiceField(choices=StaffPermission.choices), required=False
    )
    shops = serializers.ListField(child=IdField(), required=False)
    is_active = serializers.BooleanField(required=False)


def own_shops(merchant, shop_ids: list[int] | None) -> list[Shop] | None:
    if shop_ids is None:
        return None
    shops = list(merchant.shops.filter(pk__in=shop_ids))
    if len(shops) != len(set(shop_ids)):
        raise serializers.ValidationError({"shops": [_("包含不属于本商户的门店。")]})
    return shops


@extend_schema_view(
    list=extend_schema(tags=["merchant"]),
    retrieve=extend_schema(tags=["merchant"]),
    create=extend_schema(
        tags=["merchant"], request=StaffCreateSerializer, responses={201: StaffSerializer}
    ),
    partial_update=extend_schema(
        tags=["merchant"], request=StaffUpdateSerializer, responses=StaffSerializer
    ),
)
class StaffViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The owner's staff accounts: which shops each works in and what each may do."""

    errors = {"create": (NotAMerchant, PhoneTaken, WeakPassword), "list": (NotAMerchant,)}

    permission_classes = [IsMerchantOwner]
    serializer_class = StaffSerializer
    lookup_value_regex = r"\d+"  # anything else is not found, never a 500 from int("abc")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StaffMember.objects.none()
        return (
            StaffMember.objects.filter(merchant=merchant_of(self.request.user))
            .select_related("user")
            .prefetch_related("shops")
        )

    def create(self, request):
        data = StaffCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        merchant = merchant_of(request.user)
        fields = data.validated_data
        member = staff_create(
            merchant=merchant,
            phone=fields["phone"],
            password=fields["password"],
            name=fields["name"],
            permissions=fields["permissions"],
            shops=own_shops(merchant, fields["shops"]),
        )
        return Response(StaffSerializer(member).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        member = self.get_object()
        data = StaffUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        member = staff_update(
            member=member,
            permissions=fields.get("permissions"),
            shops=own_shops(member.merchant, fields.get("shops")),
            is_active=fields.get("is_active"),
        )
        return Response(StaffSerializer(member).data)
