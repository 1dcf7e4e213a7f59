import httpx
import pytest

from young_production.tools.sample_server import SAMPLES, SampleServer, samples_dir


def test_every_sample_is_served(sample_http: SampleServer) -> None:
    for sample in SAMPLES:
        r = httpx.get(sample_http.url(sample.path))
        assert r.status_code == 200, sample.path
        assert len(r.content) > 500


def test_index_and_content_types(sample_server: str) -> None:
    index = httpx.get(sample_server)
    assert index.status_code == 200 and "Young Production sample content" in index.text
    assert httpx.get(sample_server + "captioned/habits.en.vtt").headers["content-type"] == "text/vtt"
    assert httpx.get(sample_server + "speech/story.mp4").headers["content-type"] == "video/mp4"
    assert httpx.get(sample_server + "images/quote-card.png").headers["content-type"] == "image/png"
    head = httpx.head(sample_server + "speech/story.mp4")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == (samples_dir() / "speech" / "story.mp4").stat().st_size


def test_missing_path_is_404(sample_server: str) -> None:
    assert httpx.get(sample_server + "nothing/here.mp4").status_code == 404


def test_extra_routes_serve_fixed_bytes_and_status(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("hello")
    with SampleServer(tmp_path) as server:
        server.add_route("/teapot", b"short and stout", content_type="text/plain", status=418,
                         headers={"X-Kind": "teapot"})
        r = httpx.get(server.url("teapot"))
        assert (r.status_code, r.text, r.headers["x-kind"]) == (418, "short and stout", "teapot")
        assert httpx.get(server.url("a.txt")).text == "hello"
        assert server.base_url.startswith("http://127.0.0.1:")
        url = server.base_url
    with pytest.raises(httpx.ConnectError):
        httpx.get(url)
    with pytest.raises(RuntimeError, match="not running"):
        server.url("a.txt")


def test_samples_stay_small() -> None:
    total = sum(p.stat().st_size for p in samples_dir().rglob("*") if p.is_file())
    assert total < 3 * 1024 * 1024
    assert (samples_dir() / "README.md").is_file()
