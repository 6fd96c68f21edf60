"""Factories of the suggestion board: only the required fields, traits for states."""

import io

import factory
from django.core.files.base import ContentFile
from PIL import Image

from feedback.anonymity import author_token
from feedback.models import Category, Photo, Status, SubArea, Suggestion
from tests.factories import UserFactory


def image_bytes(image_format: str = "JPEG", size=(40, 30), exif: bytes | None = None) -> bytes:
    """A small real image, with EXIF when asked."""
    output = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    options = {"exif": exif} if exif else {}
    image.save(output, image_format, **options)
    return output.getvalue()


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"类别{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")

    @factory.post_generation
    def handlers(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.handlers.set(extracted)


class SubAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubArea

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"区域{n}")


class SuggestionFactory(factory.django.DjangoModelFactory):
    """A named suggestion; `anonymous_by=user` makes it an anonymous one of `user`."""

    class Meta:
        model = Suggestion

    title = factory.Sequence(lambda n: f"建议{n} 食堂延长营业时间")
    body = "晚上十点以后没有地方吃饭。"
    category = factory.SubFactory(CategoryFactory)
    author = factory.Maybe("anonymous_by", None, factory.SubFactory(UserFactory))
    is_anonymous = factory.LazyAttribute(lambda o: o.anonymous_by is not None)
    author_token = factory.LazyAttribute(
        lambda o: author_token(o.anonymous_by) if o.anonymous_by else ""
    )

    class Params:
        anonymous_by = None
        answered = factory.Trait(status=Status.ANSWERED, answer="已经安排。")


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Photo

    suggestion = factory.SubFactory(SuggestionFactory)
    content_type = "image/jpeg"
    image = factory.LazyFunction(lambda: ContentFile(image_bytes(), name="photo.jpg"))
