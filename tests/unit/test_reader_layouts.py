"""The readers across the ways pages lay facts out. People: cards, captions, image alt texts,
accordions, tables, definition lists, pipes and dashes, roles above names, microdata, hCards,
JSON-LD, script state and prose, each naming the same two people with their roles. Portfolio sizes:
stats with the label above or below, counters, lists, tables, script state, JSON-LD descriptions."""

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
    "img_alt_photo_of": (
        "<div class='team'><img src='m.jpg' alt='Photo of Maria Delgado, Broker and Owner'>"
        "<img src='k.jpg' alt='Headshot of Kevin ONeil - Property Manager'></div>"
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
    # as site builders render a team (Elementor, Divi, Squarespace, Wix) and as hand-written pages do
    "grid_rows_names_then_roles": (
        "<div class='row'><div class='col'><h5>Maria Delgado</h5></div><div class='col'><h5>Kevin Oneil</h5></div>"
        "</div><div class='row'><div class='col'><p>Broker/Owner</p></div><div class='col'><p>Property Manager</p>"
        "</div></div>"
    ),
    "name_span_in_heading": (
        "<h4>Maria Delgado<span>Broker/Owner</span></h4><h4>Kevin Oneil<span>Property Manager</span></h4>"
    ),
    "elementor_image_box": (
        "<div class='elementor-image-box-content'><h3 class='elementor-image-box-title'>Maria Delgado</h3><p "
        "class='elementor-image-box-description'>Broker/Owner</p></div><div class='elementor-image-box-conten"
        "t'><h3 class='elementor-image-box-title'>Kevin Oneil</h3><p class='elementor-image-box-description'>"
        "Property Manager</p></div>"
    ),
    "li_strong_comma": (
        "<ul><li><strong>Maria Delgado</strong>, Broker/Owner</li><li><strong>Kevin Oneil</strong>, Property "
        "Manager</li></ul>"
    ),
    "td_img_b_br": (
        "<table><tr><td><img alt='Maria Delgado'></td><td><b>Maria Delgado</b><br>Broker/Owner</td></tr><tr><"
        "td><img alt='Kevin Oneil'></td><td><b>Kevin Oneil</b><br>Property Manager</td></tr></table>"
    ),
    "flip_card": (
        "<div class='team'><div class='flip-card-front'><h3>Maria Delgado</h3></div><div class='flip-card-bac"
        "k'><h4>Broker/Owner</h4><p>Maria has led Acme since 2004.</p></div></div><div class='team'><div clas"
        "s='flip-card-front'><h3>Kevin Oneil</h3></div><div class='flip-card-back'><h4>Property Manager</h4><"
        "p>Kevin joined in 2015.</p></div></div>"
    ),
    "heading_pipe": ("<h3>Maria Delgado | Broker/Owner</h3><h3>Kevin Oneil | Property Manager</h3>"),
    "p_br_amp": ("<p>Maria Delgado<br/>Broker &amp; Owner</p><p>Kevin Oneil<br/>Property Manager</p>"),
    "divi": (
        "<div class='et_pb_team_member_description'><h4 class='et_pb_module_header'>Maria Delgado</h4><p clas"
        "s='et_pb_member_position'>Broker/Owner</p><div><p>Maria has 20 years of experience.</p></div></div><"
        "div class='et_pb_team_member_description'><h4 class='et_pb_module_header'>Kevin Oneil</h4><p class='"
        "et_pb_member_position'>Property Manager</p><div><p>Kevin keeps our owners informed.</p></div></div>"
    ),
    "bold_credential_dash": (
        "<h2>Meet the Team</h2><p><b>Maria Delgado, CPM®</b> – Broker/Owner</p><p><b>Kevin Oneil, RMP®</b> – "
        "Property Manager</p>"
    ),
    "squarespace_caption": (
        "<div class='sqs-block-content'><p><strong>MARIA DELGADO</strong></p><p><em>Broker/Owner</em></p><p>M"
        "aria founded Acme in 2004.</p><p><strong>KEVIN ONEIL</strong></p><p><em>Property Manager</em></p><p>"
        "Kevin joined in 2015.</p></div>"
    ),
    "wix_rich_text": (
        "<div data-testid='richTextElement'><h2 class='font_2'><span>Maria Delgado</span></h2><p class='font_"
        "8'><span>Broker/Owner</span></p></div><div data-testid='richTextElement'><h2 class='font_2'><span>Ke"
        "vin Oneil</span></h2><p class='font_8'><span>Property Manager</span></p></div>"
    ),
    "email_link_name": (
        "<p><a href='mailto:maria@acme.com'>Maria Delgado</a>, Broker/Owner</p><p><a href='mailto:kevin@acme."
        "com'>Kevin Oneil</a>, Property Manager</p>"
    ),
    "title_then_name_bold_in_p": (
        "<p>Broker/Owner<br><strong>Maria Delgado</strong></p><p>Property Manager<br><strong>Kevin Oneil</strong></p>"
    ),
    "contact_cards_phone": (
        "<div class='contact'><p>Maria Delgado</p><p>Broker/Owner</p><p>Office: (512) 555-0101</p></div><div "
        "class='contact'><p>Kevin Oneil</p><p>Property Manager</p><p>Office: (512) 555-0102</p></div>"
    ),
    "name_with_credentials_then_role": (
        "<div><h3>Maria Delgado, CPM®, ARM®</h3><p>Broker/Owner</p></div><div><h3>Kevin Oneil, RMP</h3>"
        "<p>Property Manager</p></div>"
    ),
}
WANT = {"maria delgado": ("broker", "owner", "founder"), "kevin oneil": ("property manager",)}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_team_is_read_in_every_layout(layout: str) -> None:
    people = inspect_page(LAYOUTS[layout], url="https://acme.example/team", company="Acme Property Management").people
    got = {p.full_name.replace("'", "").lower(): (p.title or "").lower() for p in people}
    assert got.keys() == WANT.keys(), got
    assert all(any(role in got[name] for role in roles) for name, roles in WANT.items()), got


# and the ways a site shows how much it manages: stats, counters, lists, tables, definition lists,
# script state, JSON-LD, headings, prose
UNIT_LAYOUTS = {
    "stat_block": (
        "<div class='stats'><div class='stat'><h2>1,250+</h2><p>Units Under Management</p></div>"
        "<div class='stat'><h2>18</h2><p>Years in Business</p></div></div>"
    ),
    "stat_label_first": (
        "<div class='stat'><span class='label'>Doors managed</span><span class='value'>1,250</span></div>"
        "<div class='stat'><span class='label'>Happy owners</span><span class='value'>400</span></div>"
    ),
    "counter": ("<div class='counter'><span class='count' data-count='1250'>0</span><span>Homes Managed</span></div>"),
    "li": ("<ul><li>1,250 doors under management</li><li>400+ owners served</li><li>18 years in Austin</li></ul>"),
    "table": ("<table><tr><th>Units managed</th><td>1,250</td></tr><tr><th>Founded</th><td>2006</td></tr></table>"),
    "dl": ("<dl><dt>Rental homes managed</dt><dd>1,250</dd><dt>Staff</dt><dd>22</dd></dl>"),
    "json": ("<script>window.stats = {unitsManaged: 1250, yearsInBusiness: 18};</script><div id='root'></div>"),
    "json_managed_first": ("<script>var STATS = {managedUnits: 1250, yearsInBusiness: 18};</script>"),
    "json_snake": ("<script>window.__DATA__ = {'total_doors_managed': '1,250+', 'staff': 22};</script>"),
    "jsonld_org": (
        "<script type='application/ld+json'>"
        '{"@type":"Organization","name":"Acme","description":"Acme manages over 1,250 rental units in'
        ' Austin."}</script>'
        ""
    ),
    "heading_claim": ("<h1>Trusted with 1,250+ Austin rentals</h1>"),
    "owners_page": (
        "<h2>Why owners choose Acme</h2><p>"
        "With a portfolio of more than 1,250 single-family homes and small multifamily buildings, we"
        " know what Austin renters want.</p>"
        ""
    ),
    "k_suffix": ("<p>We manage 1.25K+ doors across Central Texas.</p>"),
    "strong_number": ("<p>Our team manages <strong>1,250</strong> residential units.</p>"),
    "hyphen_adj": ("<p>Our 1,250-unit portfolio spans three counties.</p>"),
    "paren": ("<p>Acme Property Management (1,250 units) is locally owned.</p>"),
    "singular_first": ("<p>I personally look after 125 rental homes for local owners.</p>"),
    "word_number": ("<p>We care for roughly twelve hundred homes in Austin.</p>"),
    "numbers_split": ("<div class='number'>1,250</div><div class='text'>units we manage</div>"),
    "fa_icon": ("<div class='icon-box'><i class='fa fa-home'></i><h3>1250</h3><h4>Properties Managed</h4></div>"),
}


@pytest.mark.parametrize("layout", sorted(UNIT_LAYOUTS))
def test_a_portfolio_size_is_read_in_every_layout(layout: str) -> None:
    want = 125 if layout == "singular_first" else 1250
    got = inspect_page(UNIT_LAYOUTS[layout], url="https://acme.example/owners", company="Acme Property Management")
    assert got.units_estimate is not None and abs(got.units_estimate - want) <= 0.15 * want, got.units_estimate


# stats rows as builders lay them out (numbers and labels in sibling containers, counters, a "+" apart),
# and pages whose numbers count owners, reviews or years only
UNIT_LAYOUTS_MORE: dict[str, tuple[str, int | None]] = {
    "stats_owners_and_homes": (
        (
            "<div class='stats'><div><h2>500+</h2><p>Happy Owners</p></div><div><h2>1,200</h2><p>Properties M"
            "anaged</p></div><div><h2>25</h2><p>Years in Business</p></div></div>"
        ),
        1200,
    ),
    "counter_data_attr": (
        (
            "<div class='counter'><span class='count' data-count='1200'>0</span><span>+</span><p>Doors Under "
            "Management</p></div>"
        ),
        1200,
    ),
    "plus_split": (
        ("<div class='stat'><span>1,200</span><span>+</span> <span>Units Managed</span></div>"),
        1200,
    ),
    "k_suffix": (
        ("<div class='stat'><p>Homes Under Management</p><h3>1.2K</h3></div>"),
        1200,
    ),
    "hero_sentence": (
        (
            "<section class='hero'><h1>Austin Property Management</h1><p>Trusted by local owners with 350+ pr"
            "operties under management.</p></section>"
        ),
        350,
    ),
    "li_stat": (
        (
            "<ul class='facts'><li><strong>1,450</strong> rental homes managed</li><li><strong>98%</strong> o"
            "ccupancy</li><li><strong>17</strong> years serving Austin</li></ul>"
        ),
        1450,
    ),
    "table_row": (
        (
            "<table><tr><th>Founded</th><td>2004</td></tr><tr><th>Units managed</th><td>2,300</td></tr><tr><t"
            "h>Employees</th><td>45</td></tr></table>"
        ),
        2300,
    ),
    "owners_only": (
        (
            "<div class='stats'><div><h2>500+</h2><p>Happy Owners</p></div><div><h2>25</h2><p>Years in Busine"
            "ss</p></div><div><h2>4.9</h2><p>Google Rating</p></div></div>"
        ),
        None,
    ),
    "reviews_decoy": (
        ("<p>Rated 4.8 stars from 1,200 reviews</p><p>Serving Travis County since 1998</p>"),
        None,
    ),
    "faq_answer": (
        (
            "<div class='faq'><h3>How many properties do you manage?</h3><p>We currently manage just over 600"
            " single-family homes and condos across the metro.</p></div>"
        ),
        600,
    ),
    "footer_tagline": (
        ("<footer><p>Acme Property Management — managing 900+ doors since 2009</p></footer>"),
        900,
    ),
    "tiles_label_above": (
        (
            "<div class='tile'><h6>PROPERTIES MANAGED</h6><span class='big'>780</span></div><div class='tile'"
            "><h6>OWNERS SERVED</h6><span class='big'>310</span></div>"
        ),
        780,
    ),
    # owner pages' stats as site builders render them
    "plus_apart_label_below": (
        "<div class='stat'><span class='num'>1,250</span><sup>+</sup><p>Doors</p></div><div class='stat'><span "
        "class='num'>15</span><p>Years</p></div>",
        1250,
    ),
    "elementor_counter": (
        "<div class='elementor-counter'><div class='elementor-counter-number-wrapper'><span class='elementor-counter-"
        "number' data-to-value='1250'>0</span><span class='elementor-counter-number-suffix'>+</span></div><div "
        "class='elementor-counter-title'>Properties Managed</div></div>",
        1250,
    ),
    "bare_stat_lines": (
        "<h2>By the numbers</h2><div><strong>1,250</strong> homes</div><div><strong>98%</strong> occupancy</div>",
        1250,
    ),
    "faq_bare_answer": ("<h3>How big is your portfolio?</h3><p>About 1,250 doors.</p>", 1250),
    "hero_heading": ("<h1>1,250 Homes. One Local Team.</h1>", 1250),
    "table_labels_over_numbers": (
        "<table><tr><td>Homes</td><td>Owners</td><td>Years</td></tr><tr><td>1,250</td><td>600</td><td>15</td></tr>"
        "</table>",
        1250,
    ),
    "others_count_compared": (
        "<p>Unlike big-box firms that manage 50,000 units, we cap our portfolio at 1,250 homes.</p>",
        1250,
    ),
    "listing_units": ("<h3>Duplex on Elm St.</h3><p>2 units</p><p>$1,450/mo</p>", None),
}


@pytest.mark.parametrize("layout", sorted(UNIT_LAYOUTS_MORE))
def test_a_portfolio_size_or_none_in_more_layouts(layout: str) -> None:
    html, want = UNIT_LAYOUTS_MORE[layout]
    got = inspect_page(html, url="https://acme.example/", company="Acme Property Management").units_estimate
    assert (got is None) == (want is None), got
    assert got is None or want is None or abs(got - want) <= 0.15 * want, got
