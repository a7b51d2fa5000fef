"""Demonstration articles for 公示公告, 政策发布 and 制度法规 (manual 五.1).

Written for this project. The notices and policies are invented (the names,
companies and document numbers belong to nobody) and say so in their last line;
the regulations are short summaries, in our own words, of real regulations and
point to the official text. Publishing times are spread over the last three
years, counted back from the day the data is loaded.
"""

import datetime

from app import clock
from app.extensions import db
from app.models import Article
from app.services.content import articles, attachments

DEMO_NOTE = "<p><em>注：本文为政务服务门户演示数据，不具有任何效力。</em></p>"
SUMMARY_NOTE = "<p><em>本页为要点摘编，便于查阅；具体内容以正式公布的文本为准。</em></p>"

OBJECTION = (
    "<p>公示期间，任何单位和个人对公示内容有异议的，可通过本门户“联系我们”栏目所列方式实名反映，"
    "并提供必要的证明材料。匿名或无具体事实的意见不予受理。</p>"
)


def _registration_list(rows):
    body = "".join(
        f"<tr><td>{n}</td><td>{name}</td><td>{company}</td><td>{specialty}</td></tr>"
        for n, (name, company, specialty) in enumerate(rows, start=1)
    )
    return (
        "<table><thead><tr><th>序号</th><th>姓名</th><th>聘用企业</th><th>注册专业</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


# (days ago, column, title, department, document number, body, with a PDF annex)
# "{year}" in a title or number is the year of its publishing date.
DEMO_ARTICLES = (
    # --- 公示公告 -------------------------------------------------------------------------
    (
        4,
        "notice",
        "关于{year}年第二批一级注册建造师初始注册人员名单的公示",
        "建筑市场监管司",
        "建市注公〔{year}〕18号",
        "<p>根据《注册建造师管理规定》，我部对各省级住房和城乡建设主管部门报送的一级注册建造师初始注册申请进行了审查，"
        "现将拟准予初始注册的人员名单予以公示（部分名单见下表，完整名单见附件）。</p>"
        + _registration_list(
            [
                ("陈立新", "华岳示范建设工程有限公司", "建筑工程"),
                ("林书航", "江北示范路桥集团有限公司", "公路工程"),
                ("王雅琴", "华岳示范建设工程有限公司", "机电工程"),
                ("赵明远", "东川示范市政建设有限公司", "市政公用工程"),
            ]
        )
        + "<p>公示期为自发布之日起10个工作日。</p>"
        + OBJECTION
        + "<p>公示期满无异议的，我部将按规定办理注册手续，电子注册证书可在本门户“电子证照下载”中获取。</p>"
        + DEMO_NOTE,
        True,
    ),
    (
        26,
        "notice",
        "关于建筑业企业资质审查意见的公示（{year}年第六批）",
        "建筑市场监管司",
        "",
        "<p>我部组织专家对各地报送的建筑业企业施工总承包一级资质申请材料进行了审查，现将审查意见予以公示。</p>"
        "<h3>一、拟同意的企业</h3>"
        "<ol><li>青山示范建工集团有限公司：建筑工程施工总承包一级</li>"
        "<li>南岭示范水利水电工程有限公司：水利水电工程施工总承包一级</li></ol>"
        "<h3>二、拟不同意的企业</h3>"
        "<ol><li>西溪示范建筑安装有限公司：代表工程业绩中部分工程的竣工验收材料不完整，无法核实工程规模。</li></ol>"
        "<p>公示期为10个工作日。</p>" + OBJECTION + DEMO_NOTE,
        False,
    ),
    (
        58,
        "notice",
        "关于工程监理企业资质审查意见的公示",
        "建筑市场监管司",
        "",
        "<p>根据工程监理企业资质管理有关规定，我部对申请工程监理综合资质及专业甲级资质的企业进行了审查，"
        "现将审查意见公示如下：</p>"
        "<table><thead><tr><th>企业名称</th><th>申请事项</th><th>审查意见</th></tr></thead><tbody>"
        "<tr><td>北辰示范工程咨询有限公司</td><td>工程监理综合资质</td><td>同意</td></tr>"
        "<tr><td>临江示范建设监理有限公司</td><td>房屋建筑工程专业甲级</td><td>同意</td></tr>"
        "<tr><td>远山示范项目管理有限公司</td><td>市政公用工程专业甲级</td><td>不同意：注册监理工程师人数不满足要求</td></tr>"
        "</tbody></table>" + OBJECTION + DEMO_NOTE,
        False,
    ),
    (
        121,
        "notice",
        "关于一级注册建筑师延续注册人员名单的公示",
        "建筑市场监管司",
        "",
        "<p>经审查，以下人员符合一级注册建筑师延续注册条件，现予公示：</p>"
        "<ul><li>周文博（北原示范建筑设计研究院有限公司）</li>"
        "<li>吴佳怡（海湾示范城市规划设计有限公司）</li>"
        "<li>郑凯（北原示范建筑设计研究院有限公司）</li></ul>"
        "<p>公示期为自发布之日起7个工作日。</p>" + OBJECTION + DEMO_NOTE,
        False,
    ),
    (
        203,
        "notice",
        "关于房地产开发企业一级资质核定审查意见的公示",
        "房地产市场监管司",
        "",
        "<p>根据房地产开发企业资质管理有关规定，我部对申请一级资质核定的房地产开发企业进行了审查。"
        "经审查，安和示范置业有限公司、明湖示范房地产开发有限公司符合一级资质条件，拟予核定。</p>"
        + OBJECTION
        + DEMO_NOTE,
        False,
    ),
    (
        347,
        "notice",
        "关于政务服务门户系统升级维护的公告",
        "办公厅",
        "",
        "<p>为进一步提升系统稳定性和办事体验，住房和城乡建设部政务服务门户将于本周六 0:00 至 6:00 进行升级维护。</p>"
        "<p>维护期间，网上申报、进度查询和电子证照下载等功能暂停使用，已提交的申请不受影响。"
        "请各位用户合理安排办理时间，由此带来的不便敬请谅解。</p>" + DEMO_NOTE,
        False,
    ),
    (
        512,
        "notice",
        "关于注销部分一级注册建造师注册证书的公告",
        "建筑市场监管司",
        "建市注公〔{year}〕9号",
        "<p>根据《注册建造师管理规定》，注册建造师有聘用单位破产、与聘用单位解除劳动关系、注册有效期满且未延续注册等情形之一的，"
        "其注册证书和执业印章失效。经核实，现将陈国栋等 3 名人员的一级注册建造师注册证书予以注销。</p>"
        "<p>上述人员如需继续执业，应当按规定重新申请注册。</p>" + DEMO_NOTE,
        False,
    ),
    (
        760,
        "notice",
        "关于{year}年度建设工程企业资质申报材料补正情况的公告",
        "建筑市场监管司",
        "",
        "<p>在资质审查过程中，部分企业的申报材料存在业绩证明不完整、人员社保缴纳证明缺失等问题。"
        "相关企业可登录本门户，在“用户中心—我的办件”中查看补正告知，并在规定期限内一次性补齐材料。</p>"
        "<p>逾期未补正的，视为放弃本次申请。</p>" + DEMO_NOTE,
        False,
    ),
    (
        1010,
        "notice",
        "关于勘察设计注册工程师初始注册人员名单的公示",
        "建筑市场监管司",
        "",
        "<p>现将经审查拟准予初始注册的勘察设计注册工程师名单予以公示：</p>"
        + _registration_list(
            [
                ("孙晓东", "北原示范建筑设计研究院有限公司", "注册结构工程师"),
                ("钱慧敏", "海湾示范城市规划设计有限公司", "注册岩土工程师"),
            ]
        )
        + OBJECTION
        + DEMO_NOTE,
        False,
    ),
    # --- 政策发布 -------------------------------------------------------------------------
    (
        12,
        "policy",
        "关于全面推行建设工程企业资质电子证书的通知",
        "建筑市场监管司",
        "建市〔{year}〕21号",
        "<p>各省、自治区住房和城乡建设厅，直辖市住房和城乡建设（管）委：</p>"
        "<p>为深化“放管服”改革，方便企业办事，现就全面推行建设工程企业资质电子证书有关事项通知如下：</p>"
        "<h3>一、统一证书标准</h3><p>电子证书与纸质证书具有同等法律效力，采用统一的版式和编号规则，附带可供核验的二维码。</p>"
        "<h3>二、及时归集数据</h3><p>各地资质审批结果应在作出决定后5个工作日内归集至全国建筑市场监管公共服务平台。</p>"
        "<h3>三、推进互认共享</h3><p>各级住房和城乡建设主管部门在招标投标、施工许可等环节应当认可电子证书，"
        "不得要求企业另行提供纸质证书。</p>" + DEMO_NOTE,
        False,
    ),
    (
        95,
        "policy",
        "关于做好一级建造师电子注册证书使用管理工作的通知",
        "建筑市场监管司",
        "建办市〔{year}〕35号",
        "<p>为规范一级建造师电子注册证书的使用和管理，现将有关要求通知如下：</p>"
        "<ol><li>注册建造师可登录住房和城乡建设部政务服务门户，自行下载本人的电子注册证书。</li>"
        "<li>电子注册证书实行动态管理，注册信息变更后原证书自动失效，须重新下载。</li>"
        "<li>任何单位和个人不得伪造、涂改、出租、出借电子注册证书。</li></ol>" + DEMO_NOTE,
        False,
    ),
    (
        240,
        "policy",
        "关于进一步优化政务服务“一网通办”工作的通知",
        "办公厅",
        "建办〔{year}〕12号",
        "<p>为进一步提升政务服务便利度，我部将按照“一网通办”要求，推动政务服务事项网上办理：</p>"
        "<ul><li>办事指南统一规范，申请材料清单逐项列明，做到“一次告知、一次补正”；</li>"
        "<li>推行人脸识别等身份核验方式，减少现场核验；</li>"
        "<li>办理进度全程可查，审批结果通过电子证照等方式送达。</li></ul>" + DEMO_NOTE,
        False,
    ),
    (
        410,
        "policy",
        "关于开展{year}年度工程建设标准实施情况监督检查的通知",
        "标准定额司",
        "建标函〔{year}〕48号",
        "<p>为了解工程建设强制性标准的执行情况，决定组织开展年度监督检查工作。</p>"
        "<h3>检查内容</h3><p>重点检查房屋建筑和市政基础设施工程在勘察、设计、施工、验收等环节执行强制性标准的情况。</p>"
        "<h3>工作安排</h3><p>各地先行自查，我部随后组织抽查，并对发现的问题督促整改。</p>" + DEMO_NOTE,
        False,
    ),
    (
        655,
        "policy",
        "关于加强注册执业人员继续教育管理的指导意见",
        "建筑市场监管司",
        "建市〔{year}〕7号",
        "<p>继续教育是注册执业人员保持专业能力的重要途径。为加强管理，提出以下意见：</p>"
        "<ol><li>继续教育可采取集中面授、网络学习等多种形式，学时记录纳入个人执业信息。</li>"
        "<li>培训机构应当公开课程安排和收费标准，不得强制指定教材或捆绑收费。</li>"
        "<li>各地应当为注册人员在线查询继续教育学时提供便利。</li></ol>" + DEMO_NOTE,
        False,
    ),
    (
        930,
        "policy",
        "关于印发工程建设标准编制工作要点的通知",
        "标准定额司",
        "建标〔{year}〕15号",
        "<p>现将本年度工程建设标准编制工作要点印发给你们，请结合实际认真贯彻落实。</p>"
        "<p>工作要点包括：完善全文强制性工程建设规范体系；加快绿色建造、智能建造相关标准的制定；"
        "清理复审超过五年未修订的标准；加强标准编制过程中的公开征求意见。</p>" + DEMO_NOTE,
        False,
    ),
    # --- 制度法规 -------------------------------------------------------------------------
    (
        33,
        "regulation",
        "《注册建造师管理规定》要点",
        "法规司",
        "建设部令第153号",
        "<p>《注册建造师管理规定》规范注册建造师的注册、执业、继续教育和监督管理。主要内容如下：</p>"
        "<h3>一、注册</h3>"
        "<ul><li>取得建造师资格证书并经注册，方可以注册建造师名义执业；未取得注册证书和执业印章的，"
        "不得担任大中型建设工程项目的施工单位项目负责人。</li>"
        "<li>一级建造师的注册由国务院住房城乡建设主管部门负责，申请人通过聘用单位向其工商注册所在地的省级主管部门提出申请。</li>"
        "<li>注册证书与执业印章有效期为3年；需要延续注册的，应当在有效期届满30日前申请。</li>"
        "<li>注册建造师只能在一个单位注册执业。</li></ul>"
        "<h3>二、执业</h3><p>注册建造师可以从事建设工程项目总承包管理或施工管理、工程咨询等业务，"
        "应当按规定在施工管理文件上签字并加盖执业印章。</p>"
        "<h3>三、继续教育与监督管理</h3><p>注册建造师在每一个注册有效期内应当达到继续教育要求。"
        "以欺骗等不正当手段取得注册的，将依法撤销注册并予处罚。</p>" + SUMMARY_NOTE,
        True,
    ),
    (
        180,
        "regulation",
        "《建筑业企业资质管理规定》要点",
        "法规司",
        "住房和城乡建设部令第22号",
        "<p>本规定适用于建筑业企业资质的申请、许可及其监督管理。</p>"
        "<ul><li>建筑业企业资质分为施工总承包资质、专业承包资质和施工劳务资质三个序列。</li>"
        "<li>企业应当按照拥有的资产、主要人员、已完成的工程业绩和技术装备等条件申请资质，并在资质许可的范围内从事建筑施工活动。</li>"
        "<li>资质证书有效期为5年；有效期届满需要延续的，企业应当在届满3个月前向原资质许可机关提出申请。</li>"
        "<li>企业申请资质时隐瞒有关情况或者提供虚假材料的，资质许可机关不予受理或者不予许可。</li></ul>" + SUMMARY_NOTE,
        False,
    ),
    (
        395,
        "regulation",
        "《建设工程质量管理条例》要点",
        "法规司",
        "国务院令第279号",
        "<p>条例明确建设单位、勘察单位、设计单位、施工单位、工程监理单位依法对建设工程质量负责。</p>"
        "<h3>竣工验收与备案</h3><p>建设工程经验收合格的，方可交付使用；建设单位应当自竣工验收合格之日起15日内，"
        "将竣工验收报告等文件报有关部门备案。</p>"
        "<h3>最低保修期限</h3>"
        "<table><thead><tr><th>工程部位</th><th>最低保修期限</th></tr></thead><tbody>"
        "<tr><td>基础设施工程、房屋建筑的地基基础工程和主体结构工程</td><td>设计文件规定的该工程的合理使用年限</td></tr>"
        "<tr><td>屋面防水工程、有防水要求的卫生间、房间和外墙面的防渗漏</td><td>5年</td></tr>"
        "<tr><td>供热与供冷系统</td><td>2个采暖期、供冷期</td></tr>"
        "<tr><td>电气管线、给排水管道、设备安装和装修工程</td><td>2年</td></tr>"
        "</tbody></table>" + SUMMARY_NOTE,
        False,
    ),
    (
        590,
        "regulation",
        "《建筑工程施工许可管理办法》要点",
        "法规司",
        "住房和城乡建设部令第18号",
        "<p>在境内从事各类房屋建筑及其附属设施的建造、装修装饰和与其配套的线路、管道、设备的安装，"
        "以及城镇市政基础设施工程的施工，建设单位在开工前应当依法申请领取施工许可证。</p>"
        "<ul><li>工程投资额和建筑面积在规定限额以下的小型工程，可以不申请办理施工许可证，具体限额由省级主管部门按规定确定。</li>"
        "<li>建设单位应当自领取施工许可证之日起三个月内开工；因故不能按期开工的，应当申请延期，延期以两次为限，每次不超过三个月。</li>"
        "<li>在建工程因故中止施工的，建设单位应当自中止施工之日起一个月内报告发证机关，恢复施工时也应当报告。</li>"
        "<li>不得将应当申请施工许可证的工程肢解为若干限额以下的工程以规避许可。</li></ul>" + SUMMARY_NOTE,
        False,
    ),
    (
        815,
        "regulation",
        "《注册建筑师条例》要点",
        "法规司",
        "国务院令第184号",
        "<p>条例规定注册建筑师的考试、注册和执业管理。注册建筑师分为一级注册建筑师和二级注册建筑师。</p>"
        "<ul><li>注册建筑师考试合格取得资格后，经注册方可以注册建筑师的名义执业。</li>"
        "<li>注册建筑师的执业范围包括建筑设计、建筑设计技术咨询、建筑物调查与鉴定、"
        "对本人主持设计的项目进行施工指导和监督等。</li>"
        "<li>一级注册建筑师的执业范围不受建筑规模和工程复杂程度的限制；二级注册建筑师的执业范围只限于承担国家规定的民用建筑工程等级分级标准三级以下项目。</li>"
        "<li>注册建筑师执行业务，应当加入建筑设计单位，并由建筑设计单位统一接受委托、统一收费。</li></ul>"
        + SUMMARY_NOTE,
        False,
    ),
    (
        1040,
        "regulation",
        "《工程监理企业资质管理规定》要点",
        "法规司",
        "建设部令第158号",
        "<p>本规定规范工程监理企业资质的申请、审批和监督管理。</p>"
        "<ul><li>工程监理企业应当按照其拥有的注册资本、专业技术人员和工程监理业绩等条件申请资质，"
        "经审查合格取得资质证书后，方可在资质许可的范围内从事工程监理活动。</li>"
        "<li>资质证书有效期为5年，期满需要延续的，应当按规定提前申请。</li>"
        "<li>工程监理企业不得涂改、伪造、出借、转让资质证书，不得超越资质等级承揽监理业务。</li></ul>" + SUMMARY_NOTE,
        False,
    ),
)

# Not on the portal: one draft and one scheduled for later, to show both in the back office.
DEMO_UNPUBLISHED = (
    ("policy", "关于征求《建设工程企业资质标准（修订稿）》意见的函", "建筑市场监管司", "draft", None),
    ("notice", "关于{year}年第三批一级注册建造师初始注册人员名单的公示", "建筑市场监管司", "published", 3),
)


def _china_morning(days_ago: int, now: datetime.datetime) -> datetime.datetime:
    """9:30 Beijing time, ``days_ago`` days before today, as naive UTC."""
    day = clock.china_date(now) - datetime.timedelta(days=days_ago)
    return clock.utc_of(datetime.datetime.combine(day, datetime.time(9, 30)))


def _pdf_line(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def minimal_pdf(lines) -> bytes:
    """A small valid one-page PDF (Helvetica, ASCII lines), built in memory with a correct xref table."""
    stream_lines = ["BT", "/F1 14 Tf", "72 770 Td", "18 TL"]
    for line in lines:
        stream_lines.append(f"({_pdf_line(line)}) '")
    stream_lines.append("ET")
    content = "\n".join(stream_lines).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)


def _annex(title: str) -> tuple[str, bytes]:
    if "建造师初始注册" in title:
        return "附件：拟准予初始注册人员名单.pdf", minimal_pdf(
            [
                "Annex: constructors proposed for initial registration",
                "(demonstration data of the government service portal)",
                "1  CHEN Lixin    Building construction",
                "2  LIN Shuhang   Highway engineering",
                "3  WANG Yaqin    Mechanical and electrical engineering",
                "4  ZHAO Mingyuan Municipal public works",
            ]
        )
    return "注册建造师管理规定要点.pdf", minimal_pdf(
        [
            "Regulations on registered constructors: key points",
            "(summary for reference; the official text prevails)",
            "- Registration certificate and seal are valid for 3 years.",
            "- Apply for renewal at least 30 days before expiry.",
            "- A registered constructor is registered with one employer only.",
        ]
    )


def seed_demo_articles() -> int:
    """The demonstration articles; nothing when any article exists. The caller commits."""
    if db.session.query(Article.id).first() is not None:
        return 0
    now = clock.now()
    created = 0
    for days_ago, column, title, department, number, body, with_annex in DEMO_ARTICLES:
        publish_at = _china_morning(days_ago, now)
        year = clock.china_date(publish_at).year
        article = Article(
            column=column,
            title=title.format(year=year),
            department=department,
            document_number=number.format(year=year),
            body_html=body,
            status=articles.PUBLISHED,
            publish_at=publish_at,
            created_at=publish_at,
            updated_at=publish_at,
        )
        articles.prepare(article, now=now)
        db.session.add(article)
        if with_annex:
            name, data = _annex(title)
            attachments.add_attachment(article, name, data)
        created += 1
    for column, title, department, status, days_ahead in DEMO_UNPUBLISHED:
        publish_at = None if days_ahead is None else _china_morning(-days_ahead, now)
        year = clock.china_date(publish_at or now).year
        article = Article(
            column=column,
            title=title.format(year=year),
            department=department,
            status=status,
            publish_at=publish_at,
            body_html="<p>本文尚未发布，仅在管理后台可见。</p>" + DEMO_NOTE,
        )
        articles.prepare(article, now=now)
        db.session.add(article)
        created += 1
    db.session.flush()
    return created
