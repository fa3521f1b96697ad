"""Masking of personal data in free text, against the ways people write it to get past a filter."""

import itertools

import pytest

from moderation.masking import (
    KINDS,
    Finding,
    find_personal_data,
    mask_personal_data,
    redact_personal_data,
)

MASKED = [
    # Mobile numbers, plain and obfuscated
    ("电话13800138000", "电话138****8000"),
    ("电话 138 0013 8000", "电话 138****8000"),
    ("电话138-0013-8000", "电话138****8000"),
    ("电话138.0013.8000", "电话138****8000"),
    ("电话138/0013/8000", "电话138****8000"),
    ("电话138,0013,8000", "电话138****8000"),
    ("电话 1 3 8 0 0 1 3 8 0 0 0", "电话 138****8000"),
    ("电话 138 - 0013 - 8000", "电话 138****8000"),
    ("电话１３８００１３８０００", "电话138****8000"),
    ("电话：１３８ ００１３ ８０００", "电话：138****8000"),
    ("电话１３８－００１３－８０００", "电话138****8000"),
    ("电话一三八零零一三八零零零", "电话138****8000"),
    ("电话幺三八洞洞幺三八洞洞洞", "电话138****8000"),
    ("电话 一三八 〇〇一三 八〇〇〇", "电话 138****8000"),
    ("打 幺五九 零零零零 幺幺幺幺", "打 159****1111"),
    ("电话138零零13八000", "电话138****8000"),
    ("拐号：幺三拐零零幺三八零零零", "拐号：137****8000"),
    ("电话：壹叁柒零零壹叁柒零零壹", "电话：137****7001"),
    ("幺叁柒零零幺叁柒零零幺", "137****7001"),
    ("电话：壹叁柒 零零壹叁 柒零零壹", "电话：137****7001"),
    ("手机 壹叁捌-零零壹叁-捌零零零", "手机 138****8000"),
    ("电话 壹叁玖两两贰贰肆肆伍伍", "电话 139****4455"),
    ("电话 壹參捌零零壹參捌零零零", "电话 138****8000"),
    ("+86 138 0013 8000", "138****8000"),
    ("+86-139-1234-5678", "139****5678"),
    ("联系 8613912345678", "联系 139****5678"),
    ("联系 0086 13800138000", "联系 138****8000"),
    ("号码 13800138000,15900001111", "号码 138****8000,159****1111"),
    ("电话138.0013.8000 或 159/0000/1111", "电话138****8000 或 159****1111"),
    ("微信同号13800138000", "微信同号138****8000"),
    ("tel:13800138000。", "tel:138****8000。"),
    ("还剩一盒，电话 13900001111", "还剩一盒，电话 139****1111"),
    # ... as keycap emoji, circled digits, radio words, look-alikes and English words
    ("电话1️⃣3️⃣8️⃣0️⃣0️⃣1️⃣3️⃣8️⃣0️⃣0️⃣0️⃣", "电话138****8000"),
    ("电话①③⑧⓪⓪①③⑧⓪⓪⓪", "电话138****8000"),
    ("电话❶❸❽⓿⓿❶❸❽⓿⓿⓿", "电话138****8000"),
    ("电话：幺三拐 两两勾勾 洞洞洞洞", "电话：137****0000"),
    ("电话138OO138OOO", "电话138****8000"),
    ("call one three eight zero zero one three eight zero zero zero", "call 138****8000"),
    # ... with separators of any kind
    ("电话138_0013_8000", "电话138****8000"),
    ("电话138\u200b0013\u200b8000", "电话138****8000"),
    ("电话138\u30000013\u30008000", "电话138****8000"),
    ("电话 138🌸0013🌸8000", "电话 138****8000"),
    # A mobile number split across the text
    ("电话138 0013 ... 8000", "电话138**** ... 8000"),
    ("电话138 0013，后四位8000", "电话138****，后四位8000"),
    ("前面是138，中间0013，最后8000", "前面是138，中间****，最后8000"),
    ("号码一三八零零 后面 一三八零零零", "号码138** 后面 **8000"),
    # ... and its parts labelled and written in any order
    ("手机尾号7001，前面137，中间0013", "手机尾号7001，前面137，中间****"),
    ("中间0013，尾号7001，开头137", "中间****，尾号7001，开头137"),
    ("后四位是7001，前三位137，中间四位0013", "后四位是7001，前三位137，中间四位****"),
    ("尾号 柒零零壹，前面 壹叁柒，中间 零零壹叁", "尾号 7001，前面 137，中间 ****"),
    ("前七位1370013，后四位7001", "前七位137****，后四位7001"),
    ("8000是尾号，138是开头，0013在中间", "8000是尾号，138是开头，****在中间"),
    # ... even after a batch or code label: such a label is no way around the masker
    ("批号：13800138000", "批号：138****8000"),
    ("LOT 13800138000", "LOT 138****8000"),
    ("批号 壹叁捌零零壹叁捌零零零", "批号 138****8000"),
    # Landlines
    ("座机010-12345678", "座机010-****5678"),
    ("座机 0755 8888 6666", "座机 0755-****6666"),
    ("座机 020-87654321", "座机 020-****4321"),
    ("座机 0571-8765432", "座机 0571-***5432"),
    ("座机 (0755)88886666", "座机 0755-****6666"),
    ("座机（010）1234567", "座机010-***4567"),
    ("座机 ０７５５－８８８８６６６６", "座机 0755-****6666"),
    # ... from abroad, and without an area code after a phone word
    ("座机 +86-10-12345678", "座机 010-****5678"),
    ("+86 755 8888 6666", "0755-****6666"),
    ("电话：8765 4321", "电话：****4321"),
    ("座机 陆陆伍伍 肆肆叁叁", "座机 ****4433"),
    ("区号025，号码84445555", "区号***，号码****5555"),
    # Identity numbers
    ("身份证510104199103051233", "身份证5101**********1233"),
    ("身份证 11010519491231002x", "身份证 1101**********002x"),
    ("身份证 11010519491231002X。", "身份证 1101**********002X。"),
    ("身份证 5101 0419 9103 0512 33", "身份证 5101**********1233"),
    ("身份证 510104-19910305-1233", "身份证 5101**********1233"),
    ("身份证５１０１０４１９９１０３０５１２３３", "身份证5101**********1233"),
    ("老身份证 110105491231002", "老身份证 1101*******1002"),
    ("身份证 伍壹零壹零肆壹玖玖壹零叁零伍壹贰叁叁", "身份证 5101**********1233"),
    ("身份证 110105_19491231_002X", "身份证 1101**********002X"),
    ("编号11010519491231002X", "编号1101**********002X"),
    (
        "身份证前六位110105，生日19491231，后四位002X",
        "身份证前六位1101**，生日********，后四位002X",
    ),
    # ... and other identity documents
    ("护照 E1234 5678", "护照 E*******78"),
    # ... with a check character that does not add up: an X, or after an identity label
    ("身份证号 11010519870614123X", "身份证号 1101**********123X"),
    ("身份证号 11010519870614123x", "身份证号 1101**********123x"),
    ("单号 12345678901234567x", "单号 1234**********567x"),
    ("身份证号：110105198706141230", "身份证号：1101**********1230"),
    ("证件号 110105198706141230", "证件号 1101**********1230"),
    ("身份证 1101 0519 8706 1412 30", "身份证 1101**********1230"),
    # WeChat handles, under every nickname
    ("微信 abc_12345", "微信 ****"),
    ("微信号：wang-xiao99", "微信号：****"),
    ("加微信：abc12345 详聊", "加微信：**** 详聊"),
    ("V信：abc12345", "V信：****"),
    ("v信 abc_12345", "v信 ****"),
    ("VX: wang_xiao99", "VX: ****"),
    ("加我vx abc123，谢谢", "加我vx ****，谢谢"),
    ("wx：wxid_abc123", "wx：****"),
    ("WX abcdef", "WX ****"),
    ("薇信 13800138000", "薇信 ****"),
    ("威信 abcd1234", "威信 ****"),
    ("维信是 abcd1234", "维信是 ****"),
    ("绿泡泡 xiaoming2020", "绿泡泡 ****"),
    ("加V abcd1234", "加V ****"),
    ("微信 一三八零零一三八零零零", "微信 ****"),
    ("ＶＸ：ａｂｃ１２３４", "ＶＸ：****"),
    ("微 信 zhangwei_88", "微 信 ****"),
    ("薇❤ abc_123", "薇❤ ****"),
    ("➕V：nana_2019", "➕V：****"),
    ("+V信 pengpeng_1", "+V信 ****"),
    ("V：abc12345", "V：****"),
    ("💬 happy_mama", "💬 ****"),
    ("卫星号 liuyang1989", "卫星号 ****"),
    ("wei xin: chen_1990", "wei xin: ****"),
    ("薇❤信 lin_2019", "薇❤信 ****"),
    ("加个V好友 abc_666", "加个V好友 ****"),
    ("绿泡泡搜 zhangsan007", "绿泡泡搜 ****"),
    # ... spelled out, in pieces, or with Chinese digits
    ("微信 z h a n g w e i 8 8", "微信 ****"),
    ("V信 lily一九九零", "V信 ****"),
    ("微信 mary 2008", "微信 ****"),
    ("V 信 abc12345", "V 信 ****"),
    ("绿 泡 泡 xiaoming2020", "绿 泡 泡 ****"),
    # ... and with the word after the handle
    ("加我 zhangwei_88 (微信)", "加我 **** (微信)"),
    ("加 zhang-wei 薇信", "加 **** 薇信"),
    ("wangxiao（微信）", "****（微信）"),
    ("zhangwei 是我的微信", "**** 是我的微信"),
    # QQ handles
    ("扣扣 12345678", "扣扣 ****"),
    ("QQ：幺二三四五六七", "QQ：****"),
    ("企鹅号 87654321", "企鹅号 ****"),
    ("qq 1234 5678", "qq ****"),
    ("扣扣号：123456", "扣扣号：****"),
    ("QQ号码是 10001", "QQ号码是 ****"),
    ("QQ：壹贰叁肆伍陆柒", "QQ：****"),
    ("叩叩：1234567890", "叩叩：****"),
    ("扣 扣 12345", "扣 扣 ****"),
    ("q号 12345678", "q号 ****"),
    ("Q号：12345678", "Q号：****"),
    ("Q 12345678", "Q ****"),
    ("Q12345678", "Q****"),
    ("Q：1234 5678", "Q：****"),
    ("12345678（QQ）", "****（QQ）"),
    ("🐧 234567890", "🐧 ****"),
    ("QQ 一二三四五六七八", "QQ ****"),
    ("一二三四五六七八是我扣扣", "****是我扣扣"),
    ("Q 1 2 3 4 5 6 7 8", "Q ****"),
    ("QQ邮箱 87654321", "QQ邮箱 ****"),
    ("加 87654321 扣扣", "加 **** 扣扣"),
    ("电话 13800138000（QQ同号）", "电话 138****8000（QQ同号）"),
    # Email
    ("邮箱 zhang.san@example.com", "邮箱 z***@example.com"),
    ("Email: Li.Ming@Mail.QQ.com", "Email: L***@Mail.QQ.com"),
    ("发到 13800138000@163.com", "发到 1***@163.com"),
    ("邮箱ａｂｃ＠ｅｘａｍｐｌｅ．ｃｏｍ", "邮箱a***@example.com"),
    # ... with the @ and the dots written out, spaced, or in two sentences
    ("zhangsan88(at)163.com", "z***(at)163.com"),
    ("lihua2020[at]qq[dot]com", "l***[at]qq[dot]com"),
    ("wangfang 艾特 126 点 com", "w*** 艾特 126 点 com"),
    ("liuyang at gmail dot com", "l*** at gmail dot com"),
    ("zhaolei@qq。com", "z***@qq。com"),
    ("l i h u a @ 1 6 3 . c o m", "l***@163.com"),
    ("邮箱用户名是lihua2020。后缀是163.com", "邮箱用户名是****。后缀是163.com"),
    ("163邮箱：chenhao88", "163邮箱：****"),
    # Building, unit and room numbers, keeping the compound's name
    ("阳光小区3号楼2单元501", "阳光小区*号楼*单元***"),
    ("星河苑5号楼3单元1102室", "星河苑*号楼*单元****室"),
    ("5栋1203室", "*栋****室"),
    ("12幢", "**幢"),
    ("501室", "***室"),
    ("B座1203", "*座****"),
    ("幸福里6栋2层", "幸福里*栋*层"),
    ("三号楼二单元", "*号楼*单元"),
    ("10号楼 3单元 602", "**号楼 *单元 ***"),
    ("１２栋８０１室", "**栋***室"),
    ("叁号楼贰单元伍零壹", "*号楼*单元***"),
    ("两号楼拾贰单元", "*号楼**单元"),
    ("三号楼二单元五零一室", "*号楼*单元***室"),
    ("十二栋二单元三零一", "**栋*单元***"),
    # ... a house in a village or a lane, a room in a tower, numbers with dashes
    ("王家村25号", "王家村**号"),
    ("李庄村3组18号", "李庄村*组**号"),
    ("长乐路188弄12号302室", "长乐路188弄**号***室"),
    ("门牌号 12", "门牌号 **"),
    ("环球中心北塔1809", "环球中心北塔****"),
    ("万达广场东塔18楼1806", "万达广场东塔**楼****"),
    ("T2-1809", "T2-****"),
    ("阳光小区3-2-501", "阳光小区*-*-***"),
    ("5栋-1-1203", "*栋-*-****"),
    ("光明里 7号楼 2门 301", "光明里 *号楼 *门 ***"),
    ("大厦 A座 15F 1503", "大厦 *座 *** ****"),
    # Coordinates
    ("在 30.657512, 104.065735 附近", "在 [位置], [位置] 附近"),
    ("坐标 30.657,104.066", "坐标 [位置],[位置]"),
    ("-33.868820 151.209290", "[位置] [位置]"),
    ("30°39'25\"N 104°3'56\"E", "[位置] [位置]"),
    ("北纬30°39′25″ 东经104°03′56″", "[位置] [位置]"),
    ("30°39.4'N", "[位置]"),
]

UNCHANGED = [
    "布洛芬 2盒, 每次 1 片, 0.2g, 400mg, 10 支",
    "还剩一盒，两片，三天的量",
    "每次1片，一天3次",
    "0.125g，12.5元，2盒共20片",
    "400mg×24片，规格 0.3g*24粒",
    "价格 35.000元",
    "¥12.50 128元",
    "有效期至2027年6月",
    "2027-06-30 到期",
    "2027.06 到期",
    "生产日期 2023.01.12",
    "2024-12-31 23:59:59",
    "批号 220315",
    "批号H20230112",
    "国药准字H20044311",
    "第三天，十一月，3月15日",
    "6月3号见",
    "一栋楼，2楼，12层",
    "两三天，一两盒，一日三次",
    "三七粉 九九感冒灵",
    "2025年",
    "36.5度 1/2片 3-5天",
    "订单号 20221208 血压 120/80 体温 36.8",
    "库存 1000 盒，共 12 支",
    "加微信详聊",
    "微信支付",
    "QQ群满了",
    "took 12.345 ms",
    "ibuprofen 4 tablets, 2 tests, order 20221208, 0.5 g, 36.8 degrees",
    "维生素C 100片 0.1g",
    # Near the capital numerals: quantities stay
    "两盒",
    "叁盒",
    "壹盒 贰片，叁拾粒，两百盒",
    # Near the labelled parts of a split number
    "尾号7001的快递到了",
    "前面137人，后面8000人",
    "前面3盒，中间2盒，最后5盒",
    # Near Q and the handle words after a handle
    "Q1 2023",
    "2024年Q3 营收 12345 元",
    "Q 10000盒，Q 12345 元",
    "第2季度",
    "QQ群 12345678",
    "12345678 QQ群",
    "支持 alipay 微信支付",
    "hello world 微信",
    # Near identity numbers: 18 digits with a wrong check digit and no identity label
    "订单号 110105198706141230",
    "单号 110105194912310022",
    "编号110105194912310022",
    # Near landlines: dates run together, and a lone decimal is a dose, not a place
    "2020-03-01，2020-01-01",
    "每次 0.125，一天两次",
    # Near the words that announce handles
    "V 12 tablets",
    "VC 100片",
    "型号Q12345",
    "有问题发邮件",
    "门牌号不方便说",
    "小区2门口",
    "微信支付 100元",
    "两栋楼",
    "布洛芬 400mg 一天三次",
]


@pytest.mark.parametrize(("text", "masked"), MASKED)
def test_personal_data_is_masked_however_it_is_written(text, masked):
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize("text", UNCHANGED)
def test_quantities_doses_dates_batches_and_prices_are_left_alone(text):
    assert find_personal_data(text) == []
    assert mask_personal_data(text) == text


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("电话13800138000", ["mobile"]),
        ("座机010-12345678", ["landline"]),
        ("身份证510104199103051233", ["id_number"]),
        ("V信 abc12345", ["wechat"]),
        ("扣扣 12345678", ["qq"]),
        ("a@example.com", ["email"]),
        ("3号楼2单元501", ["address_detail"]),
        ("30.657512, 104.065735", ["coordinate", "coordinate"]),
        ("电话138 0013，后四位8000", ["mobile", "mobile"]),
        ("手机尾号7001，前面137，中间0013", ["mobile", "mobile", "mobile"]),
        ("加我 zhangwei_88 (微信)", ["wechat"]),
        ("Q 12345678", ["qq"]),
        ("身份证号 11010519870614123X", ["id_number"]),
    ],
)
def test_findings_name_the_kind_of_personal_data(text, kinds):
    assert [finding.kind for finding in find_personal_data(text)] == kinds


def test_findings_point_at_the_original_text_even_when_it_was_full_width():
    text = "打１３８ ００１３ ８０００吧"
    [finding] = find_personal_data(text)
    assert finding == Finding("mobile", 1, 14)
    assert text[finding.start : finding.end] == "１３８ ００１３ ８０００"


def test_a_handle_finding_covers_the_handle_and_not_the_word_before_it():
    text = "微信号：abc_12345。"
    [finding] = find_personal_data(text)
    assert (finding.kind, text[finding.start : finding.end]) == ("wechat", "abc_12345")


@pytest.mark.parametrize("text", [text for text, _ in MASKED] + UNCHANGED)
def test_masking_changes_nothing_outside_the_findings(text):
    findings = find_personal_data(text)
    assert all(finding.kind in KINDS for finding in findings)
    assert all(0 <= finding.start < finding.end <= len(text) for finding in findings)
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))
    edges = [0, *(edge for finding in findings for edge in (finding.start, finding.end)), len(text)]
    outside = [text[edges[i] : edges[i + 1]] for i in range(0, len(edges), 2)]
    masked = mask_personal_data(text)
    assert masked.startswith(outside[0]) and masked.endswith(outside[-1])
    position = len(outside[0])
    for piece in outside[1:]:
        found = masked.find(piece, position + 1)
        assert found > position, f"{piece!r} lost from {masked!r}"
        position = found + len(piece)


def test_masking_is_deterministic():
    text = "电话 一三八 0013 8000，微信 abc12345，3号楼2单元501"
    assert len({mask_personal_data(text) for _ in range(5)}) == 1


def test_logs_get_labels_and_the_same_obfuscation_coverage():
    text = "电话一三八零零一三八零零零，身份证 5101 0419 9103 0512 33，a@b.cn，30.657512"
    assert redact_personal_data(text) == "电话[phone]，身份证 [id-number]，[email]，[coordinate]"


def test_logs_keep_handles_that_would_mangle_random_ids():
    assert redact_personal_data("wx abcdefgh qq 12345") == "wx abcdefgh qq 12345"


def test_a_mask_lands_on_the_characters_as_written_keycaps_and_invisible_marks_included():
    text = "电话1️⃣3️⃣8️⃣0️⃣0️⃣1️⃣3️⃣8️⃣0️⃣0️⃣0️⃣\u200b谢谢"
    [finding] = find_personal_data(text)
    assert text[finding.start : finding.end] == "1️⃣3️⃣8️⃣0️⃣0️⃣1️⃣3️⃣8️⃣0️⃣0️⃣0️⃣\u200b"
    assert mask_personal_data(text) == "电话138****8000谢谢"


def test_a_handle_spelled_out_is_masked_from_its_first_letter_to_its_last():
    text = "微信 z h a n g w e i 8 8 谢谢"
    [finding] = find_personal_data(text)
    assert text[finding.start : finding.end] == "z h a n g w e i 8 8"


def test_logs_keep_words_after_mail_that_a_note_would_mask_as_a_user_name():
    assert redact_personal_data("mail server smtp01 failed") == "mail server smtp01 failed"
    assert mask_personal_data("邮箱 smtp01") == "邮箱 ****"
