"""Vietnamese vocabulary for the generator, written for this project.

Old and new tone-mark placement is mixed on purpose (``hoà``/``hòa``,
``Uỷ``/``Ủy``, ``Thuỵ``), as on the real portal.
"""

CATEGORIES = (
    ("chinh-tri", "Chính trị"),
    ("kinh-te", "Kinh tế"),
    ("van-hoa-xa-hoi", "Văn hóa - Xã hội"),
    ("quoc-phong-an-ninh", "Quốc phòng - An ninh"),
    ("tin-tuc-su-kien", "Tin tức sự kiện"),
    ("do-thi", "Đô thị"),
    ("y-te-giao-duc", "Y tế - Giáo dục"),
    ("chuyen-doi-so", "Chuyển đổi số"),
)

TAGS = (
    "Hải Phòng", "cải cách hành chính", "chuyển đổi số", "nông thôn mới", "an toàn giao thông",
    "du lịch", "cảng biển", "môi trường", "an sinh xã hội", "Covid-19", "giáo dục", "y tế",
    "đầu tư", "khu công nghiệp", "Thuỷ Nguyên", "Cát Bà", "Đồ Sơn", "thi đua khen thưởng",
    "phòng chống thiên tai", "Đảng bộ thành phố", "HĐND thành phố", "UBND thành phố",
)

EVENTS = (
    "Hội nghị tổng kết", "Hội nghị sơ kết", "Khai mạc", "Bế mạc", "Kiểm tra", "Triển khai",
    "Đẩy mạnh", "Tăng cường", "Phê duyệt", "Ra mắt", "Tổ chức", "Hội thảo về", "Toạ đàm về",
    "Tọa đàm về", "Phát động", "Hoàn thành", "Khởi công", "Khánh thành", "Gặp mặt",
    "Tuyên dương", "Giám sát", "Hướng dẫn", "Thông qua", "Lấy ý kiến về", "Sơ kết",
    "Đánh giá", "Công bố", "Rà soát", "Ký kết hợp tác về", "Nâng cao hiệu quả",
)

TOPICS = (
    "công tác cải cách hành chính", "chương trình xây dựng nông thôn mới", "dự án đường ven biển",
    "phong trào thi đua yêu nước", "công tác phòng, chống dịch bệnh", "chuyển đổi số",
    "công tác bảo đảm an toàn giao thông", "nhiệm vụ quốc phòng địa phương",
    "kế hoạch phát triển kinh tế - xã hội", "công tác tuyển sinh đầu cấp", "hoạt động du lịch",
    "công tác bảo vệ môi trường", "chính sách an sinh xã hội", "lễ hội truyền thống",
    "dịch vụ công trực tuyến", "hạ tầng khu công nghiệp", "hoạt động cảng biển",
    "công tác phòng cháy, chữa cháy", "phòng, chống thiên tai", "sản xuất vụ đông",
    "Luật An ninh mạng số 24/2018/QH14", "Nghị quyết số 45-NQ/TW", "đề án thành phố thông minh",
    "công tác hoà giải ở cơ sở", "công tác hòa giải ở cơ sở", "quy hoạch chung thành phố",
    "thu ngân sách nhà nước", "công tác thông tin và truyền thông", "chương trình OCOP",
    "công tác tuyển quân", "bảo hiểm y tế toàn dân", "công tác dân vận", "cấp nước sạch nông thôn",
    "chỉnh trang đô thị", "hạ ngầm mạng cáp viễn thông", "phát triển nhà ở xã hội",
    "giải phóng mặt bằng", "công tác khuyến học", "an toàn thực phẩm", "xuất khẩu lao động",
)

PLACES = (
    "ngành thông tin và truyền thông", "huyện Thuỷ Nguyên", "huyện Thủy Nguyên", "quận Hồng Bàng",
    "quận Lê Chân", "quận Ngô Quyền", "quận Kiến An", "quận Hải An", "quận Dương Kinh",
    "quận Đồ Sơn", "huyện An Dương", "huyện An Lão", "huyện Kiến Thuỵ", "huyện Tiên Lãng",
    "huyện Vĩnh Bảo", "huyện Cát Hải", "huyện Bạch Long Vĩ", "Bộ Chỉ huy Quân sự thành phố",
    "Công an thành phố", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Uỷ ban nhân dân thành phố",
    "Ủy ban nhân dân thành phố", "Hội đồng nhân dân thành phố", "Liên đoàn Lao động thành phố",
    "Thành đoàn Hải Phòng", "Sở Văn hoá và Thể thao", "Sở Kế hoạch và Đầu tư",
    "Ban Quản lý Khu kinh tế Hải Phòng", "Sở Thông tin và Truyền thông", "Sở Tài chính",
    "Sở Nông nghiệp và Phát triển nông thôn", "Hội Nông dân thành phố", "Hội Liên hiệp Phụ nữ thành phố",
)

SUFFIXES = (
    "", "", "", "", "giai đoạn 2021 - 2025", "6 tháng đầu năm", "quý I", "quý III",
    "đợt 1", "đợt 2", "lần thứ nhất", "tại cơ sở", "cho cán bộ, công chức", "trên địa bàn thành phố",
)

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Lương", "Đào")
MIDDLE = ("Văn", "Thị", "Thành", "Hải", "Minh", "Đức", "Thu", "Quang", "Ngọc", "Xuân")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Sơn", "Tô",
         "Âu", "Thuỷ", "Thủy", "Hoà", "Hòa", "Tuấn", "Việt", "Yến")
POSITIONS = (
    "Phó Chủ tịch UBND thành phố", "Chủ tịch UBND huyện", "Giám đốc Sở", "Phó Giám đốc Sở",
    "Bí thư Đảng ủy", "Bí thư Đảng uỷ", "Phó Bí thư thường trực Thành ủy", "Trưởng ban Tuyên giáo",
    "Chỉ huy trưởng", "Chủ tịch Hội đồng nhân dân quận",
)

AUTHORS = ("T.H.", "KO", "N.T.M.", "P.V.", "H.A.", "TTH", "M.Q.", "Đ.T.", "L.H.", "V.Đ.", "B.N.")
SOURCES = ("ANHP", "ANHP", "ANHP", "Báo Hải Phòng", "TTXVN", "Cổng TTĐT Chính phủ", "VOV")
ORIGIN_HOSTS = ("https://anhp.vn", "https://baohaiphong.vn", "https://haiphong.gov.vn/tin-tuc-su-kien")

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
PARTS_OF_DAY = ("sáng", "chiều", "tối", "sáng ngày", "chiều ngày")

SUBHEADS = (
    "Nhiều kết quả nổi bật", "Khó khăn, vướng mắc cần tháo gỡ", "Phương hướng, nhiệm vụ thời gian tới",
    "Tạo chuyển biến rõ nét", "Hiệu quả bước đầu", "Giải pháp trọng tâm", "Quyết tâm hoàn thành chỉ tiêu",
    "Huy động sức mạnh toàn dân", "Đổi mới phương thức hoạt động", "Những con số ấn tượng",
)

CAPTIONS = (
    "Quang cảnh hội nghị", "Đồng chí {person} phát biểu chỉ đạo", "Các đại biểu tham quan mô hình",
    "Lãnh đạo {place} trao giấy khen cho các tập thể", "Toàn cảnh buổi làm việc",
    "Đại biểu dự lễ khởi công", "Lực lượng chức năng kiểm tra thực tế tại cơ sở",
    "Người dân thực hiện dịch vụ công trực tuyến", "Một góc {place} hôm nay",
)
