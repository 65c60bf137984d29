"""The demo's agencies and people (members/demo.py loads them): the agencies of the model case
and the invented officers who attend, except Muharam Marzuki, who gave the meeting's opening
address (his NIP here is invented too)."""

from typing import NamedTuple

from .models import Agency
from .validators import Employment

# The demo organizer: a member, whose account load_demo makes.
ORGANIZER_EMAIL = "panitia@kemenag.go.id"

KEMENAG = "Kementerian Agama"
BALITBANG = "Badan Litbang dan Diklat"
SEKRETARIAT = "Sekretariat Badan Litbang dan Diklat"

Kind = Agency.Kind
PNS, PPPK, OTHER = Employment.PNS, Employment.PPPK, Employment.OTHER


class DemoAgency(NamedTuple):
    name: str
    acronym: str
    kind: str
    parent: str = ""


class DemoMember(NamedTuple):
    full_name: str
    email: str
    nip: str
    employment: str
    position: str
    rank: str
    work_unit: str
    phone: str
    agency: str


# Parents come before their units.
AGENCIES = [
    DemoAgency(KEMENAG, "Kemenag", Kind.MINISTRY),
    DemoAgency(BALITBANG, "Balitbang Diklat", Kind.MINISTRY, parent=KEMENAG),
    DemoAgency(SEKRETARIAT, "", Kind.MINISTRY, parent=BALITBANG),
    DemoAgency("Balai Diklat Keagamaan Jakarta", "BDK Jakarta", Kind.MINISTRY, parent=BALITBANG),
    DemoAgency("Kementerian Komunikasi dan Digital", "Komdigi", Kind.MINISTRY),
    DemoAgency("Kementerian Keuangan", "Kemenkeu", Kind.MINISTRY),
    DemoAgency("Kementerian Dalam Negeri", "Kemendagri", Kind.MINISTRY),
    DemoAgency(
        "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
        "Kementerian PANRB",
        Kind.MINISTRY,
    ),
    DemoAgency("Kementerian Kesehatan", "Kemenkes", Kind.MINISTRY),
    DemoAgency("Kementerian Pendidikan Dasar dan Menengah", "Kemendikdasmen", Kind.MINISTRY),
    DemoAgency("Badan Pusat Statistik", "BPS", Kind.AGENCY),
    DemoAgency("Badan Nasional Penanggulangan Bencana", "BNPB", Kind.AGENCY),
    DemoAgency("Badan Meteorologi, Klimatologi, dan Geofisika", "BMKG", Kind.AGENCY),
    DemoAgency("Badan Kepegawaian Negara", "BKN", Kind.AGENCY),
    DemoAgency("Lembaga Administrasi Negara", "LAN", Kind.AGENCY),
    DemoAgency("Arsip Nasional Republik Indonesia", "ANRI", Kind.AGENCY),
    DemoAgency("Pemerintah Provinsi Jawa Barat", "Pemprov Jabar", Kind.REGIONAL),
    DemoAgency("Pemerintah Provinsi Jawa Timur", "Pemprov Jatim", Kind.REGIONAL),
    DemoAgency("Pemerintah Kota Makassar", "Pemkot Makassar", Kind.REGIONAL),  # WITA
    DemoAgency("Pemerintah Provinsi Papua", "Pemprov Papua", Kind.REGIONAL),  # WIT
    DemoAgency("Ikatan Pranata Humas Indonesia", "Iprahumas", Kind.ORGANISATION),
]

# NIP (PNS): birth date YYYYMMDD, appointment YYYYMM, sex (1 man, 2 woman), sequence.
# NIP (PPPK): birth date, year of appointment, 21, sex, sequence.
# Ranks follow the position: Ahli Pertama III/a–III/b, Ahli Muda III/c–III/d, Ahli Madya
# IV/a–IV/c, Mahir III/a–III/b, Kepala Bagian IV/a–IV/b, Kepala Biro IV/c–IV/d.
M = DemoMember
MEMBERS = [
    # Kementerian Agama: the host.
    M("Panitia Koordinasi Pranata Humas", ORGANIZER_EMAIL, "", OTHER, "Panitia penyelenggara",
      "", "Bagian Umum dan Hubungan Masyarakat", "", SEKRETARIAT),
    M("Muharam Marzuki", "muharam.marzuki@kemenag.go.id", "196805121995031001", PNS,
      "Sekretaris Badan Litbang dan Diklat", "IV/d", "Sekretariat Badan Litbang dan Diklat",
      "+628111847520", SEKRETARIAT),
    M("Rina Kusumawati", "rina.kusumawati@kemenag.go.id", "197806232003122001", PNS,
      "Kepala Bagian Umum dan Hubungan Masyarakat", "IV/a",
      "Bagian Umum dan Hubungan Masyarakat", "+6281311452087", SEKRETARIAT),
    M("Ahmad Fauzi", "ahmad.fauzi@kemenag.go.id", "198204172009011004", PNS,
      "Pranata Humas Ahli Muda", "III/d", "Bagian Umum dan Hubungan Masyarakat",
      "+6281281736405", SEKRETARIAT),
    M("Dewi Anggraini", "dewi.anggraini@kemenag.go.id", "199302092019032012", PNS,
      "Pranata Humas Ahli Pertama", "III/b", "Bagian Umum dan Hubungan Masyarakat",
      "+6285716234098", SEKRETARIAT),
    M("Nurul Hidayah", "nurul.hidayah@kemenag.go.id", "198609302011012007", PNS,
      "Analis Kebijakan Ahli Muda", "III/c", "Bagian Perencanaan dan Sistem Informasi",
      "+6281398265714", SEKRETARIAT),
    M("Fajar Nugroho", "fajar.nugroho@kemenag.go.id", "199107142022211003", PPPK,
      "Pranata Komputer Ahli Pertama", "", "Bagian Perencanaan dan Sistem Informasi",
      "+6289687451230", SEKRETARIAT),
    M("Hendra Gunawan", "hendra.gunawan@kemenag.go.id", "197502282002121002", PNS,
      "Peneliti Ahli Madya", "IV/b",
      "Pusat Penelitian dan Pengembangan Lektur, Khazanah Keagamaan, dan Manajemen Organisasi",
      "+6281514378206", BALITBANG),
    M("Lalu Muhammad Zaini", "lalu.zaini@kemenag.go.id", "197208151999031003", PNS,
      "Widyaiswara Ahli Madya", "IV/b", "Balai Diklat Keagamaan Jakarta", "+6281917045362",
      "Balai Diklat Keagamaan Jakarta"),
    M("Euis Komariah", "euis.komariah@kemenag.go.id", "199603012021032001", PNS,
      "Pranata Humas Ahli Pertama", "III/a", "Subbagian Tata Usaha dan Rumah Tangga",
      "+6282118430956", "Balai Diklat Keagamaan Jakarta"),
    M("Maruli Tua Siregar", "maruli.siregar@kemenag.go.id", "197004041996031002", PNS,
      "Kepala Biro Hubungan Masyarakat, Data, dan Informasi", "IV/d",
      "Biro Hubungan Masyarakat, Data, dan Informasi", "+6281161023587", KEMENAG),
    M("Andi Nurul Fadillah", "andi.fadillah@kemenag.go.id", "198807112014032005", PNS,
      "Pranata Humas Ahli Muda", "III/c", "Biro Hubungan Masyarakat, Data, dan Informasi",
      "+6285242318760", KEMENAG),
    # Ministries.
    M("Grace Lumowa", "grace.lumowa@komdigi.go.id", "197611032001122001", PNS,
      "Kepala Biro Hubungan Masyarakat", "IV/c", "Biro Hubungan Masyarakat",
      "+6281340276519", "Kementerian Komunikasi dan Digital"),
    M("Bambang Setiawan", "bambang.setiawan@komdigi.go.id", "197305191998031001", PNS,
      "Pranata Humas Ahli Madya", "IV/b", "Direktorat Jenderal Komunikasi Publik dan Media",
      "+6281218905643", "Kementerian Komunikasi dan Digital"),
    M("Ni Luh Putu Ayu Lestari", "ayu.lestari@komdigi.go.id", "198401222009122002", PNS,
      "Pranata Humas Ahli Muda", "III/d", "Direktorat Jenderal Komunikasi Publik dan Media",
      "+6281338571204", "Kementerian Komunikasi dan Digital"),
    M("Rizky Pratama", "rizky.pratama@komdigi.go.id", "199508082020011006", PNS,
      "Pranata Humas Ahli Pertama", "III/a", "Biro Hubungan Masyarakat", "+6287781620493",
      "Kementerian Komunikasi dan Digital"),
    M("Teuku Rizal Fahmi", "teuku.rizal@kemenkeu.go.id", "197909102005021003", PNS,
      "Kepala Bagian Hubungan Masyarakat", "IV/a", "Biro Komunikasi dan Layanan Informasi",
      "+6281269034718", "Kementerian Keuangan"),
    M("Vivian Wijaya", "vivian.wijaya@kemenkeu.go.id", "198702052012122001", PNS,
      "Pranata Humas Ahli Muda", "III/c", "Biro Komunikasi dan Layanan Informasi",
      "+6281806537142", "Kementerian Keuangan"),
    M("Yohanes Baptista Seran", "yohanes.seran@kemenkeu.go.id", "199206172018031004", PNS,
      "Analis Kebijakan Ahli Pertama", "III/b", "Badan Kebijakan Fiskal", "+6281337908256",
      "Kementerian Keuangan"),
    M("Dian Permatasari", "dian.permatasari@kemenkeu.go.id", "198504122010012009", PNS,
      "Pranata Komputer Ahli Muda", "III/c", "Pusat Sistem Informasi dan Teknologi Keuangan",
      "+6281585230461", "Kementerian Keuangan"),
    M("Slamet Riyadi", "slamet.riyadi@kemendagri.go.id", "197201101998031003", PNS,
      "Pranata Humas Ahli Madya", "IV/b", "Pusat Penerangan", "+6281225873104",
      "Kementerian Dalam Negeri"),
    M("Baiq Nurul Hidayati", "baiq.hidayati@kemendagri.go.id", "199306272018122001", PNS,
      "Pranata Humas Ahli Pertama", "III/b", "Pusat Penerangan", "+6281907652381",
      "Kementerian Dalam Negeri"),
    M("Dwi Astuti", "dwi.astuti@menpan.go.id", "198208082007012002", PNS,
      "Pranata Humas Ahli Muda", "III/d", "Biro Data, Komunikasi, dan Informasi Publik",
      "+6281380461257", "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi"),
    M("Parlindungan Sinaga", "parlindungan.sinaga@menpan.go.id", "197702212002121003", PNS,
      "Analis Kebijakan Ahli Madya", "IV/a", "Deputi Bidang Sumber Daya Manusia Aparatur",
      "+6281263507819", "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi"),
    M("Cut Rahmawati", "cut.rahmawati@kemkes.go.id", "198001152005012005", PNS,
      "Kepala Bagian Hubungan Masyarakat", "IV/a", "Biro Komunikasi dan Pelayanan Publik",
      "+6285260913478", "Kementerian Kesehatan"),
    M("Stevanus Mamahit", "stevanus.mamahit@kemkes.go.id", "199104302017031002", PNS,
      "Pranata Humas Ahli Pertama", "III/b", "Biro Komunikasi dan Pelayanan Publik",
      "+6281244870365", "Kementerian Kesehatan"),
    M("I Made Suarjana", "made.suarjana@kemendikdasmen.go.id", "197703112003121002", PNS,
      "Pranata Humas Ahli Madya", "IV/a", "Biro Komunikasi dan Hubungan Masyarakat",
      "+6281337265840", "Kementerian Pendidikan Dasar dan Menengah"),
    M("Maria Goreti Nahak", "maria.nahak@kemendikdasmen.go.id", "199402142022212005", PPPK,
      "Pranata Humas Ahli Pertama", "", "Biro Komunikasi dan Hubungan Masyarakat",
      "+6282145903718", "Kementerian Pendidikan Dasar dan Menengah"),
    # Agencies.
    M("Dadang Supriatna", "dadang.supriatna@bps.go.id", "197607252000031002", PNS,
      "Pranata Humas Ahli Madya", "IV/a", "Biro Hubungan Masyarakat dan Hukum",
      "+6281322940517", "Badan Pusat Statistik"),
    M("Sri Wahyuni", "sri.wahyuni@bps.go.id", "198303142008122003", PNS,
      "Pranata Humas Ahli Muda", "III/d", "Biro Hubungan Masyarakat dan Hukum",
      "+6281227306954", "Badan Pusat Statistik"),
    M("Muhammad Ikhsan", "muhammad.ikhsan@bps.go.id", "199401022019021001", PNS,
      "Pranata Komputer Ahli Pertama", "III/b", "Direktorat Sistem Informasi Statistik",
      "+6285299417306", "Badan Pusat Statistik"),
    M("Agus Wibisono", "agus.wibisono@bnpb.go.id", "197409091999031005", PNS,
      "Analis Kebijakan Ahli Madya", "IV/b",
      "Pusat Data, Informasi, dan Komunikasi Kebencanaan", "+6281210673892",
      "Badan Nasional Penanggulangan Bencana"),
    M("Ratna Dewi Sembiring", "ratna.sembiring@bnpb.go.id", "198905202014032006", PNS,
      "Pranata Humas Ahli Muda", "III/c", "Pusat Data, Informasi, dan Komunikasi Kebencanaan",
      "+6281375206481", "Badan Nasional Penanggulangan Bencana"),
    M("Arief Rahman Hakim", "arief.hakim@bnpb.go.id", "199603252023211004", PPPK,
      "Pranata Humas Ahli Pertama", "", "Pusat Data, Informasi, dan Komunikasi Kebencanaan",
      "+6281290357146", "Badan Nasional Penanggulangan Bencana"),
    M("I Gusti Ngurah Agung Wirawan", "agung.wirawan@bmkg.go.id", "198109172006041002", PNS,
      "Pranata Humas Ahli Muda", "III/d", "Biro Hukum, Hubungan Masyarakat, dan Kerja Sama",
      "+6281805427693", "Badan Meteorologi, Klimatologi, dan Geofisika"),
    M("Rosmawati Lubis", "rosmawati.lubis@bkn.go.id", "198709192012122003", PNS,
      "Pranata Humas Ahli Muda", "III/c", "Biro Hubungan Masyarakat", "+6281265309184",
      "Badan Kepegawaian Negara"),
    M("Eko Prasetyo", "eko.prasetyo@bkn.go.id", "198306272008031001", PNS,
      "Analis Sumber Daya Manusia Aparatur Ahli Muda", "III/d",
      "Direktorat Pengadaan dan Kepangkatan", "+6281329740156", "Badan Kepegawaian Negara"),
    M("Yulia Sari Chaniago", "yulia.chaniago@lan.go.id", "198103052006042001", PNS,
      "Widyaiswara Ahli Muda", "III/d", "Pusat Pengembangan Kompetensi Teknis", "+6281374601925",
      "Lembaga Administrasi Negara"),
    M("Fadli Rahman", "fadli.rahman@lan.go.id", "199707212022031001", PNS,
      "Pranata Humas Ahli Pertama", "III/a", "Biro Hubungan Masyarakat, Hukum, dan Kerja Sama",
      "+6282283617450", "Lembaga Administrasi Negara"),
    M("Ronald Pattiasina", "ronald.pattiasina@anri.go.id", "197304021998031002", PNS,
      "Arsiparis Ahli Madya", "IV/b", "Direktorat Kearsipan Pusat", "+6281247093165",
      "Arsip Nasional Republik Indonesia"),
    M("Maria Latuheru", "maria.latuheru@anri.go.id", "198801032014032002", PNS,
      "Pranata Humas Ahli Muda", "III/c", "Bagian Hubungan Masyarakat", "+6285243706182",
      "Arsip Nasional Republik Indonesia"),
    # Regional governments.
    M("Asep Saepudin", "asep.saepudin@jabarprov.go.id", "197106121997031004", PNS,
      "Kepala Bidang Informasi dan Komunikasi Publik", "IV/b",
      "Dinas Komunikasi dan Informatika", "+6281220487315", "Pemerintah Provinsi Jawa Barat"),
    M("Neng Siti Fatimah", "siti.fatimah@jabarprov.go.id", "198601022011012004", PNS,
      "Pranata Humas Ahli Muda", "III/c", "Biro Administrasi Pimpinan", "+6285793024861",
      "Pemerintah Provinsi Jawa Barat"),
    M("Rudi Hartono", "rudi.hartono@jabarprov.go.id", "199009182015031002", PNS,
      "Pranata Humas Mahir", "III/a", "Biro Administrasi Pimpinan", "+6281395602847",
      "Pemerintah Provinsi Jawa Barat"),
    M("Moh. Syaiful Anam", "syaiful.anam@jatimprov.go.id", "197403182000031001", PNS,
      "Kepala Bidang Informasi dan Komunikasi Publik", "IV/b",
      "Dinas Komunikasi dan Informatika", "+6281231574096", "Pemerintah Provinsi Jawa Timur"),
    M("Endang Sulistyowati", "endang.sulistyowati@jatimprov.go.id", "198606182010012011", PNS,
      "Pranata Humas Ahli Muda", "III/c", "Biro Administrasi Pimpinan", "+6281330815627",
      "Pemerintah Provinsi Jawa Timur"),
    M("Andi Muhammad Fadli", "andi.fadli@makassarkota.go.id", "197902142005021001", PNS,
      "Kepala Bagian Protokol dan Komunikasi Pimpinan", "IV/a", "Sekretariat Daerah",
      "+6281241905378", "Pemerintah Kota Makassar"),
    M("Sitti Nurhayati", "sitti.nurhayati@makassarkota.go.id", "199208122017102001", PNS,
      "Pranata Humas Ahli Pertama", "III/b", "Dinas Komunikasi dan Informatika",
      "+6285255803149", "Pemerintah Kota Makassar"),
    M("Marthinus Kogoya", "marthinus.kogoya@papua.go.id", "197806062003121005", PNS,
      "Kepala Bidang Informasi dan Komunikasi Publik", "IV/a",
      "Dinas Komunikasi dan Informatika", "+6281344170628", "Pemerintah Provinsi Papua"),
    M("Yuliana Rumbiak", "yuliana.rumbiak@papua.go.id", "198509252011012003", PNS,
      "Pranata Humas Ahli Muda", "III/c", "Biro Administrasi Pimpinan", "+6282199460375",
      "Pemerintah Provinsi Papua"),
    M("Fransiskus Wanggai", "fransiskus.wanggai@papua.go.id", "199311052023211002", PPPK,
      "Pranata Komputer Ahli Pertama", "", "Dinas Komunikasi dan Informatika",
      "+6281248307516", "Pemerintah Provinsi Papua"),
    # The association: its officers speak for it, not for their home agencies.
    M("Teguh Santoso", "sekjen@iprahumas.id", "", OTHER,
      "Sekretaris Jenderal DPP Iprahumas", "", "Dewan Pengurus Pusat", "+6281298451063",
      "Ikatan Pranata Humas Indonesia"),
    M("Wulan Septiani", "wulan.septiani@iprahumas.id", "", OTHER,
      "Ketua Bidang Pengembangan Kompetensi DPP Iprahumas", "", "Dewan Pengurus Pusat",
      "+6281387205946", "Ikatan Pranata Humas Indonesia"),
]  # fmt: skip
del M
