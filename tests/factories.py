import factory
from django.contrib.gis.geos import Point

from accounts.models import Role, User
from merchants.models import Category, Merchant, Service, Shop, StaffMember

PASSWORD = "Str0ng-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+86137{n:08d}")
    name = factory.Faker("name", locale="zh_CN")
    role = Role.CONSUMER
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
    class Meta:
        model = Shop
        skip_postgeneration_save = True

    merchant = factory.SubFactory(MerchantFactory)
    name = factory.Sequence(lambda n: f"测试门店{n}")
    address = "上海市静安区南京西路 1 号"
    location = Point(121.4481, 31.2286, srid=4326)
    price_level = 2

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):
        if create:
            obj.categories.set(extracted or [Category.objects.get(slug="hair")])


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
