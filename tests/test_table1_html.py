"""Table 1 as a real HTML table: the paper's text, torchvision's differences marked."""

from __future__ import annotations

from bs4 import BeautifulSoup
from torchvision_ref import GMACS_3

from resnet_lib.figures import table1_table


def parse():
    return BeautifulSoup(table1_table()._repr_html_(), "html.parser")


def test_a_table_with_headers_a_screen_reader_can_use():
    soup = parse()
    table = soup.find("table")
    assert table is not None and table.find("caption").get_text().startswith("Table 1")
    cols = [th.get_text() for th in table.thead.find_all("th")]
    assert cols == ["layer", "ResNet-18", "ResNet-34", "ResNet-50", "ResNet-101", "ResNet-152"]
    rows = table.tbody.find_all("tr")
    assert all(r.th and r.th.get("scope") == "row" for r in rows)
    assert all(len(r.find_all("td")) == 5 for r in rows)
    assert {r.th.get_text() for r in rows} >= {"conv1", "conv2_x", "conv5_x", "FLOPs"}


def test_only_the_bottleneck_flops_change_in_torchvisions_form():
    marks = {}
    for row in parse().tbody.find_all("tr"):
        for col, td in zip(("18", "34", "50", "101", "152"), row.find_all("td"), strict=True):
            mark = td.find("mark")
            if mark:
                marks[row.th.get_text(), col] = mark.get_text()
    # The values come from real torchvision (fixtures), not from the code under test.
    assert marks == {("FLOPs", d): f"v1.5: {GMACS_3[f'resnet{d}']:.3f}" for d in
                     ("50", "101", "152")}


def test_the_papers_printed_flops_stay_beside_the_counts():
    flops = next(r for r in parse().tbody.find_all("tr") if r.th.get_text() == "FLOPs")
    cells = [td.get_text(" ") for td in flops.find_all("td")]
    assert cells[2].startswith(f"3.8 (code: {GMACS_3['resnet50_v1']:.3f})")
    assert cells[0].startswith("1.8")
