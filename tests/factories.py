import factory
from django.utils import timezone

from accounts.models import Role, User
from merchants.models import Category, Merchant, Service, Shop, StaffMember
from merchants.services import shop_create

PASSWORD = "Str0ng-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+86137{n:08d}")
    name = factory.Faker("name", locale="zh_CN")
    role = Role.CONSUMER
    # Proven by an SMS code, as every account signed up through the API is; tests of what an
    # unproven phone may see pass phone_verified_at=None.
    phone_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    owner = factory.SubFactory(UserFactory, role=Role.MERCHANT_OWNER)
    name = factory.Sequence(lambda n: f"测试商户{n}")


class ShopFactory(factory.django.DjangoModelFactory):
    """Shops are made through shop_create, as the API makes them (category links included)."""

    class Meta:
        model = Shop

    merchant = factory.SubFactory(MerchantFactory)
    name = factory.Sequence(lambda n: f"测试门店{n}")
    address = "上海市静安区南京西路 1 号"
    lat, lng = 31.2286, 121.4481
    price_level = 2

    @classmethod
    def _create(cls, model_class, *args, categories=None, **kwargs):
        categories = categories or [Category.objects.get(slug="hair")]
        return shop_create(categories=categories, **kwargs)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    shop = factory.SubFactory(ShopFactory)
    name = "洗剪吹"
    price_fen = 8800


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    merchant = factory.SubFactory(MerchantFactory)
    user = factory.SubFactory(UserFactory, role=Role.MERCHANT_STAFF)
    permissions = factory.LazyFunction(list)
