"""SHARED_STORAGE=s3, as a district with object storage sets it: the shipped settings send the
shared files (roster uploads) and the CMS's media to the bucket, under their own prefixes,
and read them back. The bucket is moto's S3 API on loopback; the settings are the real ones,
read by a fresh process from its environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.test_deploy import _free_port

REPO = Path(__file__).resolve().parents[2]
BUCKET = "district-schoolwell"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
ROUND_TRIP = """
import json
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
shared = storages["shared"].save("roster-uploads/bundle.zip", ContentFile(b"PK roster"))
media = default_storage.save("images/map.max-20x20.png", ContentFile(b"PNG rendition"))
with storages["shared"].open(shared) as f:
    shared_back = f.read().decode()
print(json.dumps({
    "shared": shared, "shared_back": shared_back,
    "media_back": default_storage.open(media).read().decode(),
    "media_url": default_storage.url(media),
    "docs_serve": settings.WAGTAILDOCS_SERVE_METHOD,
}))
"""


@pytest.fixture
def bucket_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        yield endpoint
    finally:
        server.stop()


def test_the_s3_setting_keeps_shared_files_and_media_in_the_bucket(bucket_endpoint):
    s3 = boto3.client(
        "s3",
        endpoint_url=bucket_endpoint,
        region_name="us-east-1",
        **{"aws_access_key_id": "testing", "aws_secret_access_key": "testing"},
    )
    s3.create_bucket(Bucket=BUCKET)
    env = {
        **os.environ,
        **CREDENTIALS,
        "SHARED_STORAGE": "s3",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": bucket_endpoint,
        "S3_REGION": "us-east-1",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", ROUND_TRIP],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["shared_back"] == "PK roster" and result["media_back"] == "PNG rendition"
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == {f"shared/{result['shared']}", "media/images/map.max-20x20.png"}
    # Private objects: a rendition's link is signed and expires; documents still go
    # through Wagtail's view, which checks privacy.
    assert "Signature=" in result["media_url"] and "Expires=" in result["media_url"]
    assert result["docs_serve"] == "serve_view"
    acl = s3.get_object_acl(Bucket=BUCKET, Key="media/images/map.max-20x20.png")
    assert not [g for g in acl["Grants"] if "URI" in g["Grantee"]]  # no AllUsers grant
