"""The paste box reads what organizers actually paste: Outlook's "Name <email>", addresses
separated by semicolons, commas, spaces or lines, and rows copied from a spreadsheet."""

from members.paste import Pasted, parse_pasted


def test_outlook_recipients_keep_their_names():
    pasted = parse_pasted(
        'Budi Santoso <Budi@BPS.go.id>; "Rahmawati, Siti" <siti@kemenag.go.id>; '
        "'Dewi' <dewi@bappenas.go.id>"
    )

    assert pasted.people == [
        Pasted(email="budi@bps.go.id", name="Budi Santoso"),
        Pasted(email="siti@kemenag.go.id", name="Rahmawati, Siti"),
        Pasted(email="dewi@bappenas.go.id", name="Dewi"),
    ]
    assert pasted.malformed == []


def test_bare_addresses_by_semicolon_comma_space_or_line_each_once():
    pasted = parse_pasted(
        "a@bps.go.id; b@bps.go.id, c@bps.go.id\nd@bps.go.id e@bps.go.id;A@BPS.GO.ID"
    )

    assert pasted.emails == [f"{x}@bps.go.id" for x in "abcde"]


def test_spreadsheet_rows_with_a_header_in_any_column_order():
    pasted = parse_pasted(
        "Instansi\tNama\tEmail\n"
        "Kementerian Agama (Kemenag)\tSiti Rahmawati\tsiti@kemenag.go.id\n"
        "BPS\tBudi Santoso\tbudi@bps.go.id\n"
    )

    assert pasted.people == [
        Pasted(
            email="siti@kemenag.go.id", name="Siti Rahmawati", agency="Kementerian Agama (Kemenag)"
        ),
        Pasted(email="budi@bps.go.id", name="Budi Santoso", agency="BPS"),
    ]


def test_spreadsheet_rows_without_a_header_are_name_email_agency():
    pasted = parse_pasted(
        "Siti Rahmawati\tsiti@kemenag.go.id\tKemenag\r\nBudi\tbudi@bps.go.id\t\r\n"
    )

    assert pasted.people == [
        Pasted(email="siti@kemenag.go.id", name="Siti Rahmawati", agency="Kemenag"),
        Pasted(email="budi@bps.go.id", name="Budi", agency=""),
    ]


def test_what_is_not_an_address_is_listed_as_malformed():
    pasted = parse_pasted("Budi <budi@bps>; x@bps.go.id; bukan-alamat")

    assert pasted.emails == ["x@bps.go.id"]
    assert pasted.malformed == ["Budi <budi@bps>", "bukan-alamat"]
    assert parse_pasted("Siti\tno address here\tKemenag").malformed == [
        "Siti no address here Kemenag"
    ]


def test_a_paste_mixing_outlook_lines_and_spreadsheet_rows_keeps_every_address():
    """Lines without a tab, pasted with rows from a spreadsheet, are read as recipients:
    none of their addresses is dropped."""
    pasted = parse_pasted(
        "Budi Santoso <budi@bappenas.go.id>; siti@kemenpppa.go.id\n"
        "Andi Rahman\tandi@sulselprov.go.id\tPemprov Sulsel\n"
    )

    assert pasted.emails == ["budi@bappenas.go.id", "siti@kemenpppa.go.id", "andi@sulselprov.go.id"]
    assert pasted.by_email()["budi@bappenas.go.id"].name == "Budi Santoso"
    assert pasted.by_email()["andi@sulselprov.go.id"].agency == "Pemprov Sulsel"
    assert pasted.malformed == []
