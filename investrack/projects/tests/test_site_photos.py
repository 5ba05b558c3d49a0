"""Site photos sent with a monthly report, as a phone sends them: kept smaller, upright,
with the time they were taken and nothing else of their metadata; shown on the project
page to those who may see the project; anything that is not a photo refused in words."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from investrack.conftest import days_ago, photo_bytes
from investrack.projects.models import ProgressPhoto, ProgressReport, Stage
from investrack.testkit import rendered_form


def camera_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "HUAWEI"  # make
    exif[0x0110] = "Mate 60"  # model
    exif[0x013B] = "张三"  # artist
    exif.get_ifd(0x8769)[0x9003] = "2026:11:28 09:41:07"  # taken
    exif.get_ifd(0x8825)[2] = (28.0, 1.0, 0.5)  # GPS latitude
    return exif


def started(make_project):
    return make_project(
        stage=Stage.STARTED, dates={Stage.SIGNED: days_ago(120), Stage.STARTED: days_ago(90)}
    )


def report_page(client, project):
    return rendered_form(client.get(reverse("projects:progress", args=[project.pk])))


def test_a_report_with_photos_from_the_phone(client_for, county_staff, make_project):
    project = started(make_project)
    client = client_for(county_staff)
    form = report_page(client, project)
    big = SimpleUploadedFile("IMG_0001.jpg", photo_bytes((4000, 3000), exif=camera_exif()))
    second = SimpleUploadedFile("IMG_0002.png", photo_bytes((800, 600)))
    response = form.submit(
        client,
        {"period": days_ago(35).strftime("%Y-%m"), "investment_completed": "500",
         "construction_progress": "30", "photos": [big, second]},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-2000:]
    photos = list(ProgressPhoto.objects.filter(report__project=project).order_by("pk"))
    assert [p.original_name for p in photos] == ["IMG_0001.jpg", "IMG_0002.png"]
    kept = Image.open(photos[0].image.open("rb"))
    assert max(kept.size) == 1600 and (photos[0].width, photos[0].height) == kept.size
    exif = kept.getexif()
    assert dict(exif) == {0x0132: "2026:11:28 09:41:07"}  # the time, and nothing else
    assert exif.get_ifd(0x8825) == {}
    assert f"{timezone.localtime(photos[0].taken_at):%Y-%m-%d %H:%M}" == "2026-11-28 09:41"
    assert max(Image.open(photos[0].thumbnail.open("rb")).size) == 320
    page = client.get(project.get_absolute_url()).content.decode()
    gallery = page.split('id="photos"')[1].split("</section>")[0]
    thumb = reverse("projects:photo", args=[project.pk, photos[0].pk, "thumb"])
    assert thumb in gallery and "11月28日 09:41" in gallery
    served = client.get(thumb)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_a_file_that_is_not_a_photo_refuses_the_report(client_for, county_staff, make_project):
    project = started(make_project)
    client = client_for(county_staff)
    response = report_page(client, project).submit(
        client,
        {"period": days_ago(35).strftime("%Y-%m"), "investment_completed": "500",
         "construction_progress": "30",
         "photos": [SimpleUploadedFile("合同.pdf", b"%PDF-1.4 not a picture")]},
    )  # fmt: skip
    assert response.status_code == 200
    assert "“合同.pdf”不是照片" in response.content.decode()
    assert not ProgressReport.objects.filter(project=project).exists()


def test_at_most_nine_photos(client_for, county_staff, make_project):
    project = started(make_project)
    client = client_for(county_staff)
    ten = [SimpleUploadedFile(f"{i}.jpg", photo_bytes((64, 48))) for i in range(10)]
    response = report_page(client, project).submit(
        client,
        {"period": days_ago(35).strftime("%Y-%m"), "investment_completed": "500",
         "construction_progress": "30", "photos": ten},
    )  # fmt: skip
    assert response.status_code == 200 and "最多上传 9 张照片" in response.content.decode()
    assert not ProgressReport.objects.filter(project=project).exists()
