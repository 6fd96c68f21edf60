"""Submitting a suggestion: named or anonymous, photos checked and cleaned, a daily limit, a hint
of similar suggestions, and user input that never becomes HTML."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from feedback.anonymity import author_token
from feedback.models import Photo, Step, Suggestion
from notifications.models import Notice

from .factories import SuggestionFactory, image_bytes

pytestmark = pytest.mark.django_db

SUBMIT = reverse("feedback:submit")


def _form(category, **extra) -> dict:
    form = {"title": "图书馆延长开放时间", "body": "期末周希望开到十二点。"}
    return form | {"category": category.pk} | extra


def _jpeg(name="photo.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type="image/jpeg")


def test_a_student_submits_a_named_suggestion(student, student_client, services, handler):
    response = student_client.post(SUBMIT, _form(services))
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == suggestion.get_absolute_url()
    assert suggestion.author == student
    assert suggestion.author_token == ""
    assert suggestion.status == "submitted"
    page = student_client.get(suggestion.get_absolute_url())
    assert "图书馆延长开放时间" in page.content.decode()
    assert "陈同学" in page.content.decode()
    # The category's handler is told.
    assert Notice.objects.filter(recipient=handler, kind="feedback-new").count() == 1


def test_an_anonymous_suggestion_keeps_only_the_token(student, student_client, services):
    student_client.post(SUBMIT, _form(services, anonymous="on"))
    suggestion = Suggestion.objects.get()
    assert suggestion.is_anonymous
    assert suggestion.author is None
    assert suggestion.author_token == author_token(student)
    step = Step.objects.get(suggestion=suggestion)
    assert step.actor is None and step.by_author
    mine = student_client.get(reverse("feedback:mine")).content.decode()
    assert suggestion.title in mine
    page = student_client.get(suggestion.get_absolute_url()).content.decode()
    assert 'data-testid="yours"' in page


def test_the_form_page_shows_how_many_are_left(student_client, services, settings):
    settings.FEEDBACK_DAILY_LIMIT = 2
    page = student_client.get(SUBMIT).content.decode()
    assert "2" in page and 'data-testid="daily-left"' in page


def test_xss_in_title_and_body_renders_as_text(student_client, member_client, services):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    student_client.post(
        SUBMIT, _form(services, title=payload, body=payload + " https://example.edu.cn/a")
    )
    suggestion = Suggestion.objects.get()
    for url in [suggestion.get_absolute_url(), reverse("feedback:board")]:
        page = member_client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert" in page
    detail = member_client.get(suggestion.get_absolute_url()).content.decode()
    assert 'href="https://example.edu.cn/a"' in detail  # links are made clickable


def test_bad_input_is_refused_with_a_message(student_client, services):
    response = student_client.post(SUBMIT, {"title": "", "body": "", "category": 999999})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"title", "body", "category"}
    assert Suggestion.objects.count() == 0


# --- photos ------------------------------------------------------------------------------------


def test_a_photo_is_stored_re_encoded_without_exif_under_a_random_name(student_client, services):
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 59.0, 0.0)}  # GPS
    upload = _jpeg(name="陈同学的照片.jpg", exif=exif.tobytes())
    assert b"Camera maker" in upload.read()
    upload.seek(0)
    student_client.post(SUBMIT, _form(services, photos=[upload]))
    photo = Photo.objects.get()
    assert "陈同学" not in photo.image.name
    assert photo.image.name.endswith(".jpg")
    stored = photo.image.read()
    assert b"Camera maker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
    response = student_client.get(photo.get_absolute_url())
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == stored


@pytest.mark.parametrize("image_format", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted(student_client, services, image_format):
    upload = SimpleUploadedFile("p.img", image_bytes(image_format), content_type="image/png")
    student_client.post(SUBMIT, _form(services, photos=[upload]))
    photo = Photo.objects.get()
    assert photo.content_type == f"image/{image_format.lower()}"


def test_a_text_file_named_jpg_is_refused(student_client, services):
    fake = SimpleUploadedFile("photo.jpg", b"just some text, not an image", "image/jpeg")
    response = student_client.post(SUBMIT, _form(services, photos=[fake]))
    assert response.status_code == 200
    assert "不是 JPEG、PNG 或 WebP 图片" in str(response.context["form"].errors["photos"])
    assert Suggestion.objects.count() == 0


def test_a_gif_is_refused(student_client, services):
    gif = SimpleUploadedFile("a.gif", image_bytes("GIF"), "image/gif")
    response = student_client.post(SUBMIT, _form(services, photos=[gif]))
    assert "photos" in response.context["form"].errors
    assert Suggestion.objects.count() == 0


def test_an_oversize_photo_is_refused(student_client, services):
    big = SimpleUploadedFile("big.jpg", image_bytes() + b"\0" * (5 * 1024 * 1024), "image/jpeg")
    response = student_client.post(SUBMIT, _form(services, photos=[big]))
    assert "超过了" in str(response.context["form"].errors["photos"])
    assert Suggestion.objects.count() == 0


def test_a_fourth_photo_is_refused(student_client, services):
    photos = [_jpeg(name=f"{n}.jpg") for n in range(4)]
    response = student_client.post(SUBMIT, _form(services, photos=photos))
    assert "最多上传 3 张照片" in str(response.context["form"].errors["photos"])
    assert Suggestion.objects.count() == 0 and Photo.objects.count() == 0


def test_three_photos_are_fine(student_client, services):
    photos = [_jpeg(name=f"{n}.jpg") for n in range(3)]
    student_client.post(SUBMIT, _form(services, photos=photos))
    assert Photo.objects.count() == 3


# --- the daily limit and the similar-title hint ------------------------------------------------


def test_the_daily_limit_counts_anonymous_suggestions_too(student_client, services, settings):
    settings.FEEDBACK_DAILY_LIMIT = 2
    student_client.post(SUBMIT, _form(services, title="一"))
    student_client.post(SUBMIT, _form(services, title="二", anonymous="on"))
    response = student_client.post(SUBMIT, _form(services, title="三"))
    assert response.status_code == 200
    assert "达到每日上限" in response.content.decode()
    english = student_client.post(SUBMIT, _form(services), HTTP_ACCEPT_LANGUAGE="en")
    assert "the daily limit" in english.content.decode()
    assert Suggestion.objects.count() == 2
    # Someone else's suggestions do not count against him.
    SuggestionFactory.create_batch(3, category=services)
    assert Suggestion.objects.count() == 5


def test_similar_titles_are_hinted(student_client, services):
    SuggestionFactory(title="图书馆自习室座位不够", category=services)
    SuggestionFactory(title="宿舍热水供应时间太短", category=services)
    response = student_client.get(reverse("feedback:similar"), {"title": "图书馆座位"})
    page = response.content.decode()
    assert "图书馆自习室座位不够" in page
    assert "热水" not in page
    empty = student_client.get(reverse("feedback:similar"), {"title": "完全无关"})
    assert 'data-testid="similar"' not in empty.content.decode()


# --- bounded work for every photo ---------------------------------------------------------------


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` by `height` pixels, as a decompression bomb does."""
    data = bytearray(image_bytes("PNG"))
    header = data.index(b"IHDR")
    data[header + 4 : header + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[header : header + 17]))
    data[header + 17 : header + 21] = struct.pack(">I", crc)
    return bytes(data)


@pytest.fixture
def decodes(monkeypatch) -> list[str]:
    """Every image Pillow decodes during the test, by format."""
    decoded: list[str] = []
    load = ImageFile.ImageFile.load

    def counting_load(image):
        if not getattr(image, "counted", False):
            image.counted = True
            decoded.append(image.format)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    return decoded


@pytest.mark.parametrize(("width", "height"), [(6400, 6400), (30000, 30000)])
def test_a_photo_with_too_many_pixels_is_refused_before_it_is_decoded(
    student_client, services, decodes, width, height
):
    bomb = SimpleUploadedFile("bomb.png", _png_declaring(width, height), "image/png")
    response = student_client.post(
        SUBMIT, _form(services, photos=[bomb]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "“bomb.png” has too many pixels; a photo may have at most 40 million." in str(
        response.context["form"].errors["photos"]
    )
    assert decodes == []
    assert Suggestion.objects.count() == 0 and Photo.objects.count() == 0


def test_the_pixel_limit_is_a_setting(student_client, services, settings):
    settings.PHOTO_MAX_PIXELS = 100
    response = student_client.post(SUBMIT, _form(services, photos=[_jpeg()]))  # 40 by 30
    assert "像素过多" in str(response.context["form"].errors["photos"])
    assert Suggestion.objects.count() == 0


def test_each_photo_is_decoded_once(student_client, services, decodes):
    photos = [_jpeg(name=f"{n}.jpg") for n in range(3)]
    student_client.post(SUBMIT, _form(services, photos=photos))
    assert Photo.objects.count() == 3
    assert decodes == ["JPEG"] * 3


def test_over_the_daily_limit_no_photo_is_decoded(student_client, services, settings, decodes):
    settings.FEEDBACK_DAILY_LIMIT = 1
    student_client.post(SUBMIT, _form(services, title="一"))
    response = student_client.post(
        SUBMIT, _form(services, title="二", photos=[_jpeg(), _jpeg()]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "the daily limit" in response.content.decode()
    assert decodes == []
    assert Suggestion.objects.count() == 1 and Photo.objects.count() == 0
