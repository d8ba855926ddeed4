"""The people reader across the ways team pages lay people out: cards, captions, image alt texts,
accordions, tables, definition lists, pipes and dashes, roles above names, microdata, hCards,
JSON-LD, script state and prose. Each layout names the same two people, with their roles."""

from __future__ import annotations

import pytest

from leadscout.research.read.inspect import inspect_page

LAYOUTS = {
    "figcaption": (
        "<figure><img src='a.jpg' alt=''><figcaption>Maria Delgado<br>Broker / Owner</figcaption>"
        "</figure><figure><img src='b.jpg'><figcaption>Kevin O'Neil, Property Manager</figcaption>"
        "</figure>"
    ),
    "img_alt": (
        "<div class='team'><img src='m.jpg' alt='Maria Delgado, Broker and Owner'>"
        "<img src='k.jpg' alt='Kevin ONeil - Property Manager'></div>"
    ),
    "accordion": (
        "<div class='accordion'><button class='acc'>Maria Delgado</button><div class='panel'><p>"
        "Broker/Owner. Maria founded Acme in 2004.</p></div><button class='acc'>Kevin Oneil</button>"
        "<div class='panel'><p>Property Manager since 2015.</p></div></div>"
    ),
    "strong_br": (
        "<p><strong>Maria Delgado</strong><br>Broker/Owner<br>maria@acme.com</p><p><strong>"
        "Kevin Oneil</strong><br>Property Manager</p>"
    ),
    "li_dash": ("<ul><li>Maria Delgado – Broker/Owner</li><li>Kevin Oneil – Property Manager</li></ul>"),
    "bold_bio": (
        "<p><b>Maria Delgado</b> is the broker and owner of Acme Property Management.</p><p><b>"
        "Kevin Oneil</b> has managed our residential portfolio since 2015 as senior property manager.</p>"
    ),
    "h4_p": (
        "<div class='elementor-team-member'><h4 class='name'>Maria Delgado</h4><p class='title'>"
        "Broker &amp; Owner</p></div><div class='elementor-team-member'><h4 class='name'>Kevin Oneil</h4>"
        "<p class='title'>Property Manager</p></div>"
    ),
    "caps_name": ("<h3>MARIA DELGADO</h3><h5>BROKER / OWNER</h5><h3>KEVIN ONEIL</h3><h5>PROPERTY MANAGER</h5>"),
    "title_first": ("<h5>Broker/Owner</h5><h3>Maria Delgado</h3><h5>Property Manager</h5><h3>Kevin Oneil</h3>"),
    "span_pipe": (
        "<p>Maria Delgado | Broker/Owner | (512) 555-0101</p><p>Kevin Oneil | Property Manager | (512) 555-0102</p>"
    ),
    "table_noheader": (
        "<table><tr><td>Maria Delgado</td><td>Broker/Owner</td><td>512-555-0101</td></tr><tr><td>"
        "Kevin Oneil</td><td>Property Manager</td><td>512-555-0102</td></tr></table>"
    ),
    "inline_js": (
        "<script>"
        "var team = [{name: 'Maria Delgado', role: 'Broker/Owner'}, {name: 'Kevin Oneil', role:"
        " 'Property Manager'}];</script>"
        "<div id='app'></div>"
    ),
    "next_data": (
        "<script id='__NEXT_DATA__' type='application/json'>"
        '{"props":{"pageProps":{"staff":[{"fullName":"Maria'
        ' Delgado","jobTitle":"Broker/Owner"},{"fullName":"Kevin Oneil","jobTitle":"Property'
        ' Manager"}]}}}</script>'
        ""
    ),
    "jsonld_worksfor": (
        "<script type='application/ld+json'>"
        '{"@context":"https://schema.org","@type":"Organization","name":"Acme","employee":[{"@type":"Pers'
        'on","name":"Maria Delgado","jobTitle":"Broker/Owner"},{"@type":"Person","name":"Kevin'
        ' Oneil","jobTitle":"Property Manager"}]}</script>'
        ""
    ),
    "microdata": (
        "<div itemscope itemtype='https://schema.org/Person'><span itemprop='name'>Maria Delgado</span>"
        "<span itemprop='jobTitle'>Broker/Owner</span></div>"
        "<div itemscope itemtype='https://schema.org/Person'><span itemprop='name'>Kevin Oneil</span>"
        "<span itemprop='jobTitle'>Property Manager</span></div>"
    ),
    "hcard": (
        "<div class='vcard'><span class='fn'>Maria Delgado</span> <span class='title'>Broker/Owner</span>"
        "</div><div class='vcard'><span class='fn'>Kevin Oneil</span> <span class='title'>"
        "Property Manager</span></div>"
    ),
    "meet_prose": (
        "<p>"
        "Meet our team! Maria Delgado started Acme in 2004 after a decade in leasing. Today she runs the"
        " company as its broker. Kevin Oneil joined her in 2015 and looks after our owners as property"
        " manager.</p>"
        ""
    ),
    "first_person_story": (
        "<p>"
        "Hi, I'm Maria Delgado. I founded Acme Property Management in 2004 and I still answer the phone"
        " myself. My colleague Kevin O'Neil is our property manager.</p>"
        ""
    ),
    "name_title_same_line_comma": (
        "<div class='member'>Maria Delgado, Broker/Owner</div><div class='member'>Kevin Oneil, Property Manager</div>"
    ),
    "dt_dd": ("<dl><dt>Broker/Owner</dt><dd>Maria Delgado</dd><dt>Property Manager</dt><dd>Kevin Oneil</dd></dl>"),
    "title_colon": ("<p>Broker/Owner: Maria Delgado</p><p>Property Manager: Kevin Oneil</p>"),
}
WANT = {"maria delgado": ("broker", "owner", "founder"), "kevin oneil": ("property manager",)}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_team_is_read_in_every_layout(layout: str) -> None:
    people = inspect_page(LAYOUTS[layout], url="https://acme.example/team", company="Acme Property Management").people
    got = {p.full_name.replace("'", "").lower(): (p.title or "").lower() for p in people}
    assert got.keys() == WANT.keys(), got
    assert all(any(role in got[name] for role in roles) for name, roles in WANT.items()), got
