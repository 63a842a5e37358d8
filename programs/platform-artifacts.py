"""platform-artifacts: puts the jars Spark's data jobs and History Servers load
into the object store's public bucket.

The official Spark image has neither the S3A filesystem nor the Kafka source,
and the teams' pods may not reach the internet (their namespaces deny all
egress but the platform's services), so the jars are served from inside the
cluster: this Job downloads each one from Maven Central once, checks its
SHA-1 against the compiler's pinned table, and writes it through SeaweedFS's
filer into the bucket, where anyone reads it (the `anonymous` identity reads
that bucket only; the jars are public Apache-2.0 software, no data).

Standard library only: it runs in the platform's pinned Spark image.
Input: environment ARTIFACTS (JSON list of {"url", "sha1", "file"}) and
TARGET (the filer URL of the bucket's folder, ending in /).
"""
import hashlib
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request

CHUNK = 1 << 20


def log(message):
    print(f"platform-artifacts: {message}", flush=True)


def download(url, sha1, into):
    """Streams url into the file `into` and returns it once its SHA-1 is the pinned one."""
    digest = hashlib.sha1()
    with urllib.request.urlopen(url, timeout=60) as response, open(into, "wb") as out:
        while chunk := response.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != sha1:
        raise ValueError(f"{url}: SHA-1 {digest.hexdigest()}, not the pinned {sha1}")


def upload(path, target):
    size = os.path.getsize(path)
    with open(path, "rb") as body:
        request = urllib.request.Request(target, data=body, method="PUT", headers={"Content-Length": str(size), "Content-Type": "application/java-archive"})
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()


def with_retries(what, action, attempts=5):
    """The filer may still be starting, and a download may break off: try again, 5 s, 10 s, ... apart."""
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except (OSError, urllib.error.URLError) as error:
            if attempt == attempts:
                raise
            log(f"{what} failed ({error}); retrying")
            time.sleep(5 * attempt)


def main():
    artifacts = json.loads(os.environ["ARTIFACTS"])
    target = os.environ["TARGET"]
    with tempfile.TemporaryDirectory() as work:
        for artifact in artifacts:
            path = os.path.join(work, artifact["file"])
            with_retries(f"download of {artifact['url']}", lambda: download(artifact["url"], artifact["sha1"], path))
            with_retries(f"upload of {artifact['file']}", lambda: upload(path, target + artifact["file"]))
            log(f"{artifact['file']}: {os.path.getsize(path)} bytes, SHA-1 {artifact['sha1']}")
            os.remove(path)
    log(f"{len(artifacts)} jars in {target}")


if __name__ == "__main__":
    try:
        main()
    except (KeyError, ValueError, OSError, urllib.error.URLError) as error:
        sys.exit(f"platform-artifacts: {error}")
