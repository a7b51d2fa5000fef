"""The service catalogue as shipped: 事项 of 办事服务 and their 办事指南 (manual 三, 四).

This is the content a fresh installation starts from (``seed_catalogue`` copies
it into ``service_item`` / ``service_material`` by 事项编码, keeping whatever
staff have edited since). It is Chinese content data, not interface text, so
it is not wrapped in gettext: staff maintain it in the back office.

``GROUPS``  ordered list of ``{"key", "category", "name"}``; category is
            ``"personal"`` (个人行政审批事项) or ``"enterprise"`` (企业行政审批事项).
``ITEMS``   ordered list of 事项, each a dict with the 31-character 事项编码
            (``code``), its group key, name, ``online_kind`` (None while online
            processing is not open; otherwise ``<profession>_<action>`` as
            understood by ``app.services.cases.eligibility``), the 办事指南 texts
            (设定依据, 受理条件, 办理流程, 承诺/法定时限 in working days, 收费,
            咨询电话, 办理地点) and its 申请材料.

The legal bases cited are the laws and regulations in force for each matter;
the texts summarise them and are not quotations.
"""

FEE = "不收费"
PHONE = "010-58934213"
LOCATION = "住房和城乡建设部政务服务大厅（北京市海淀区三里河路9号）"

#: The ministry's unified social credit code: every 事项编码 starts with it.
MINISTRY_CODE = "11100000000013338W"

from app.services.cases.groups import GROUPS  # noqa: E402,F401  (the items name these groups)

# --- materials -----------------------------------------------------------------------


def _material(name, description, *, required=True, formats="jpg,png,pdf", max_size_mb=5):
    return {
        "name": name,
        "required": required,
        "formats": formats,
        "max_size_mb": max_size_mb,
        "description": description,
    }


def _identity():
    return _material("身份证明", "居民身份证正反面扫描件；港澳台居民、外籍人员提供有效身份证件扫描件")


def _photo():
    return _material(
        "近期一寸免冠白底证件照",
        "近6个月内正面免冠彩色证件照，白色背景，295×413像素，JPG格式；可使用【下载照片处理工具】按要求裁剪压缩",
        formats="jpg",
        max_size_mb=1,
    )


def _form(name):
    return _material(name, "在线填写后由系统生成，本人签字后上传扫描件", formats="pdf,jpg", max_size_mb=5)


def _contract(employer="聘用企业"):
    return _material(
        f"与{employer}签订的劳动合同",
        "在有效期内的劳动合同扫描件，须包含合同期限、工作岗位及双方签字盖章页",
        max_size_mb=10,
    )


def _social_insurance(required=True):
    return _material(
        "社会保险缴纳证明", "聘用单位为申请人缴纳社会保险的近期证明（社保经办机构出具或网上打印）", required=required
    )


def _continuing_education(required=True, note="按规定完成继续教育的证明（学时证明或培训合格证明）"):
    return _material("继续教育证明", note, required=required)


def _release(employer="原聘用企业"):
    return _material(
        f"与{employer}解除劳动合同的证明", "解除（终止）劳动合同证明书或原单位出具的离职证明扫描件", max_size_mb=10
    )


def _certificate(name):
    return _material(name, "证书原件扫描件（含个人信息页及专业页）")


# --- 办理流程 ------------------------------------------------------------------------


def _process(*, apply, review, decide, certificate, deliver):
    return "\n".join(
        [
            f"1. 申请：{apply}",
            "2. 受理：收到申请材料后5个工作日内作出受理或者不予受理的决定；"
            "材料不齐全或者不符合法定形式的，一次性告知申请人需要补正的全部内容。",
            f"3. 审查：{review}",
            f"4. 决定：{decide}",
            f"5. 制证：{certificate}",
            f"6. 送达：{deliver}",
        ]
    )


def _person_process(what):
    return _process(
        apply="申请人登录住房和城乡建设部政务服务门户，通过人脸识别后在线填写申请信息、上传申请材料，"
        "作出个人承诺并以短信验证码确认提交。",
        review="住房和城乡建设部对申请材料进行审查，核对资格证书、聘用单位资质和社会保险等信息；"
        "材料需修改的，退回申请人在【信息修改或材料补充】中补正后重新提交。",
        decide=f"依法作出准予或者不予{what}的决定；不予许可的，书面说明理由，"
        "并告知申请人享有依法申请行政复议或者提起行政诉讼的权利。",
        certificate="准予许可的，制作电子注册证书（电子证照），注册信息同步公开。",
        deliver="结果通过门户【用户中心】的站内消息和短信通知申请人，电子证照可在【我的证照】中下载。",
    )


# 房地产开发企业一级资质核定: filed in its own sub-system (房地产开发企业一级资质核定系统), step by step.
REAL_ESTATE_APPLY = (
    "企业通过法人账号登录住房和城乡建设部政务服务门户，法定代表人通过人脸识别后，进入【房地产开发企业一级资质核定系统】，"
    "依次在线填写企业基本信息（由企业登记和资质库预填）、经营业绩（已竣工项目）和专业技术人员，系统按一级资质标准核对"
    "开发年限、近3年竣工面积和人员数量，并在注册人员库中核对人员；每一步可保存草稿，下次登录从未完成的步骤继续；"
    "在【承诺与申报】中核对全部信息、上传申请材料，作出承诺并以短信验证码确认提交。"
    "退回补正的，企业在本系统中修改后重新提交。"
)


def _enterprise_process(what, review_extra="", *, online=False, apply_text=None):
    if online:
        apply = apply_text or (
            "企业通过法人账号登录住房和城乡建设部政务服务门户，法定代表人通过人脸识别后，在线填写申请表"
            "（企业信息由资质库预填）、上传申请材料，作出承诺并以短信验证码确认提交。"
        )
        deliver = (
            "结果通过门户【用户中心】的站内消息和短信通知企业，电子资质证书可在【我的证照】中加注后下载（PDF、OFD）。"
        )
    else:
        apply = "本事项暂未开通网上办理：企业向住房和城乡建设部政务服务大厅窗口提交申请表及申请材料。"
        deliver = "结果书面通知企业，资质证书按通知领取。"
    return _process(
        apply=apply,
        review=f"住房和城乡建设部对企业资产、注册人员、技术负责人、工程业绩等进行审查{review_extra}；"
        "需要公示的，在门户【公示公告】栏目公示。",
        decide=f"依法作出准予或者不予{what}的决定；不予许可的，书面说明理由，"
        "并告知企业享有依法申请行政复议或者提起行政诉讼的权利。",
        certificate="准予许可的，制作资质证书（电子证书），资质信息同步公开，可在【企业资质查询】中查询。",
        deliver=deliver,
    )


# --- 设定依据 ------------------------------------------------------------------------

BASIS_ADMIN_LICENSING = (
    "《中华人民共和国行政许可法》：提供公众服务并且直接关系公共利益的职业、行业，"
    "需要确定具备特殊信誉、特殊条件或者特殊技能等资格、资质的事项，可以设定行政许可。"
)
BASIS_CONSTRUCTION_LAW = (
    "《中华人民共和国建筑法》：从事建筑活动的专业技术人员，应当依法取得相应的执业资格证书，"
    "并在执业资格证书许可的范围内从事建筑活动。"
)
BASIS_CONSTRUCTION_LAW_ENTERPRISE = (
    "《中华人民共和国建筑法》：从事建筑活动的建筑施工企业，按照其拥有的注册资本、专业技术人员、技术装备和"
    "已完成的建筑工程业绩等资质条件，划分为不同的资质等级，经资质审查合格，取得相应等级的资质证书后，"
    "方可在其资质等级许可的范围内从事建筑活动。"
)


def _basis(*lines):
    return "\n".join(lines)


CONSTRUCTOR_BASIS = _basis(
    BASIS_CONSTRUCTION_LAW,
    BASIS_ADMIN_LICENSING,
    "《注册建造师管理规定》（建设部令第153号）：取得建造师资格证书的人员，经过注册方能以注册建造师的名义执业；"
    "国务院住房城乡建设主管部门负责一级注册建造师的注册，注册有效期为3年，"
    "并对初始注册、延续注册、增项注册、变更注册、注销注册、重新注册及证书遗失补办作出规定。",
)
ARCHITECT_BASIS = _basis(
    BASIS_CONSTRUCTION_LAW,
    BASIS_ADMIN_LICENSING,
    "《中华人民共和国注册建筑师条例》：注册建筑师考试合格取得执业资格证书者，可以申请注册；"
    "一级注册建筑师的注册由全国注册建筑师管理委员会负责，注册有效期为2年，"
    "有效期届满需要继续注册的，应当在期满前申请办理注册手续。",
    "《中华人民共和国注册建筑师条例实施细则》（建设部令第167号）：对注册建筑师的初始注册、延续注册、变更注册、"
    "注销注册的条件、材料和程序作出具体规定。",
)
SURVEY_DESIGN_BASIS = _basis(
    BASIS_CONSTRUCTION_LAW,
    BASIS_ADMIN_LICENSING,
    "《勘察设计注册工程师管理规定》（建设部令第137号）：取得勘察设计注册工程师资格证书的人员，"
    "经过注册方能以注册工程师的名义执业；注册有效期为3年，规定了初始注册、延续注册、变更注册的条件和程序。",
)
SUPERVISION_BASIS = _basis(
    BASIS_CONSTRUCTION_LAW,
    BASIS_ADMIN_LICENSING,
    "《注册监理工程师管理规定》（建设部令第147号）：取得监理工程师职业资格证书的人员，经过注册方能以注册监理工程师"
    "的名义执业；注册有效期为3年，规定了初始注册、延续注册、变更注册的条件和程序。",
)
COST_BASIS = _basis(
    BASIS_ADMIN_LICENSING,
    "《注册造价工程师管理办法》（建设部令第150号发布，经住房和城乡建设部令修订）：取得一级造价工程师职业资格证书"
    "的人员，经过注册方能以注册造价工程师的名义执业；一级造价工程师由国务院住房城乡建设主管部门注册，"
    "注册有效期为4年，规定了初始注册、延续注册、变更注册的条件和程序。",
)
CONSTRUCTION_ENTERPRISE_BASIS = _basis(
    BASIS_CONSTRUCTION_LAW_ENTERPRISE,
    BASIS_ADMIN_LICENSING,
    "《建筑业企业资质管理规定》（住房和城乡建设部令第22号）：企业应当按照其拥有的资产、主要人员、已完成的工程业绩"
    "和技术装备等条件申请建筑业企业资质；规定了资质的首次申请、增项申请、升级申请以及企业名称、地址、注册资本、"
    "法定代表人等发生变更和资质证书遗失补办的办理要求。",
)
REAL_ESTATE_BASIS = _basis(
    BASIS_ADMIN_LICENSING,
    "《中华人民共和国城市房地产管理法》：设立房地产开发企业，应当具备有足够的专业技术人员等条件。",
    "《城市房地产开发经营管理条例》：房地产开发主管部门应当根据房地产开发企业的资产、专业技术人员和开发经营业绩等，"
    "对备案的房地产开发企业核定资质等级。",
    "《房地产开发企业资质管理规定》：房地产开发企业应当按照规定申请核定企业资质等级，未取得资质证书的不得从事"
    "房地产开发经营业务；一级资质由国务院住房城乡建设主管部门审批。",
)


def _lines(*lines):
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, start=1))


NO_REFUSAL_GROUNDS = (
    "不存在不具有完全民事行为能力、申请在两个或者两个以上单位注册、受到刑事处罚未满规定期限、"
    "年龄超过65周岁等法定不予注册的情形"
)


def _person_item(code, group, name, online_kind, basis, conditions, what, time_limit, legal_limit, materials):
    return {
        "code": code,
        "group": group,
        "name": name,
        "online_kind": online_kind,
        "legal_basis": basis,
        "conditions": conditions,
        "process": _person_process(what),
        "time_limit_days": time_limit,
        "legal_time_limit_days": legal_limit,
        "fee": FEE,
        "phone": PHONE,
        "location": LOCATION,
        "materials": materials,
    }


def _enterprise_item(
    code,
    group,
    name,
    basis,
    conditions,
    what,
    time_limit,
    legal_limit,
    materials,
    review_extra="",
    online_kind=None,
    apply_text=None,
):
    return {
        "code": code,
        "group": group,
        "name": name,
        "online_kind": online_kind,
        "legal_basis": basis,
        "conditions": conditions,
        "process": _enterprise_process(what, review_extra, online=online_kind is not None, apply_text=apply_text),
        "time_limit_days": time_limit,
        "legal_time_limit_days": legal_limit,
        "fee": FEE,
        "phone": PHONE,
        "location": LOCATION,
        "materials": materials,
    }


# --- 建造师 ----------------------------------------------------------------------------

CONSTRUCTOR_ITEMS = [
    _person_item(
        "11100000000013338W1000117055001",
        "constructor",
        "一级建造师执业资格认定（初始注册）",
        "constructor_initial",
        CONSTRUCTOR_BASIS,
        _lines(
            "经考核认定或者考试合格，取得一级建造师资格证书；",
            "受聘于一个具有建设工程勘察、设计、施工、监理、招标代理、造价咨询等一项或者多项资质的单位；",
            "取得资格证书超过3年申请初始注册的，应当达到继续教育要求；",
            NO_REFUSAL_GROUNDS + "。",
        ),
        "初始注册",
        20,
        20,
        [
            _identity(),
            _certificate("一级建造师资格证书"),
            _contract(),
            _social_insurance(),
            _photo(),
            _form("一级建造师初始注册申请表"),
            _continuing_education(required=False, note="取得资格证书超过3年的，提供达到继续教育要求的证明"),
        ],
    ),
    _person_item(
        "11100000000013338W1000117055002",
        "constructor",
        "一级建造师执业资格认定（延续注册）",
        "constructor_renewal",
        CONSTRUCTOR_BASIS,
        _lines(
            "持有在有效期内的一级建造师注册证书；",
            "在注册有效期届满30日前提出延续注册申请；",
            "注册有效期内按规定完成继续教育；",
            "仍受聘于原注册单位，" + NO_REFUSAL_GROUNDS + "。",
        ),
        "延续注册",
        10,
        20,
        [
            _identity(),
            _certificate("一级建造师注册证书"),
            _continuing_education(),
            _contract("注册单位"),
            _photo(),
            _form("一级建造师延续注册申请表"),
        ],
    ),
    _person_item(
        "11100000000013338W1000117055003",
        "constructor",
        "一级建造师执业资格认定（增项注册）",
        "constructor_add_specialty",
        CONSTRUCTOR_BASIS,
        _lines(
            "已取得一级建造师注册证书且注册在有效期内；",
            "取得其他专业的一级建造师资格证书（增项专业）；",
            "增项专业取得资格证书超过3年的，应当达到该专业的继续教育要求；",
            NO_REFUSAL_GROUNDS + "。",
        ),
        "增项注册",
        10,
        20,
        [
            _identity(),
            _certificate("增项专业的一级建造师资格证书"),
            _certificate("一级建造师注册证书"),
            _contract("注册单位"),
            _form("一级建造师增项注册申请表"),
            _continuing_education(required=False, note="增项专业取得资格证书超过3年的，提供该专业的继续教育证明"),
        ],
    ),
    _person_item(
        "11100000000013338W1000117055004",
        "constructor",
        "一级建造师执业资格认定（变更注册）",
        "constructor_change_employer",
        CONSTRUCTOR_BASIS,
        _lines(
            "注册有效期内变更执业单位的，应当与原聘用单位解除劳动关系；",
            "与新聘用单位签订劳动合同，新聘用单位具有相应的企业资质；",
            "在原单位担任施工项目负责人的，已办理项目负责人变更或者项目已竣工；",
            NO_REFUSAL_GROUNDS + "。",
        ),
        "变更注册",
        10,
        20,
        [
            _identity(),
            _certificate("一级建造师注册证书"),
            _release(),
            _contract("新聘用企业"),
            _social_insurance(),
            _form("一级建造师变更注册申请表"),
            _material(
                "工程项目完工或者项目负责人变更证明",
                "原单位在建项目的竣工验收证明或者项目负责人变更手续，不担任项目负责人的无需提供",
                required=False,
            ),
        ],
    ),
    _person_item(
        "11100000000013338W1000117055005",
        "constructor",
        "一级建造师执业资格认定（注销注册）",
        "constructor_cancel",
        CONSTRUCTOR_BASIS,
        _lines(
            "注册有效期内有下列情形之一的，应当申请注销注册：聘用单位破产，聘用单位被吊销营业执照，"
            "与聘用单位解除劳动关系，注册有效期满且未延续注册，年龄超过65周岁，本人主动申请注销等；",
            "申请人为注册证书记载的本人；",
            "不存在正在担任施工项目负责人的在建工程，或者已办理项目负责人变更。",
        ),
        "注销注册",
        10,
        20,
        [
            _identity(),
            _certificate("一级建造师注册证书"),
            _form("一级建造师注销注册申请表"),
            _material(
                "注销事由证明",
                "解除劳动合同证明、退休证明、企业破产或者营业执照被吊销的证明等，本人主动申请注销的无需提供",
                required=False,
            ),
        ],
    ),
    _person_item(
        "11100000000013338W1000117055006",
        "constructor",
        "一级建造师执业资格认定（重新注册）",
        "constructor_reregister",
        CONSTRUCTOR_BASIS,
        _lines(
            "注册被注销或者不予注册的，在重新具备初始注册条件后申请重新注册；",
            "受聘于一个具有相应资质的单位；",
            "达到继续教育要求；",
            NO_REFUSAL_GROUNDS + "。",
        ),
        "重新注册",
        20,
        20,
        [
            _identity(),
            _certificate("一级建造师资格证书"),
            _contract(),
            _social_insurance(),
            _continuing_education(),
            _photo(),
            _form("一级建造师重新注册申请表"),
        ],
    ),
    _person_item(
        "11100000000013338W1000117055007",
        "constructor",
        "一级建造师执业资格认定（遗失补办）",
        "constructor_lost_replacement",
        CONSTRUCTOR_BASIS,
        _lines(
            "一级建造师注册证书或者执业印章遗失、污损；", "注册在有效期内；", "已在公众媒体或者门户上声明原证书作废。"
        ),
        "补办证书",
        10,
        20,
        [
            _identity(),
            _material("遗失声明", "刊登遗失声明的媒体版面或者网页截图，注明证书编号"),
            _photo(),
            _form("一级建造师注册证书补办申请表"),
        ],
    ),
]

# --- 注册建筑师 ------------------------------------------------------------------------

ARCHITECT_ITEMS = [
    _person_item(
        "11100000000013338W1000117056001",
        "architect",
        "一级注册建筑师执业资格认定（初始注册）",
        "architect_initial",
        ARCHITECT_BASIS,
        _lines(
            "通过一级注册建筑师考试，取得一级注册建筑师执业资格证书；",
            "受聘于一个具有工程设计资质的单位，或者受聘于其他从事建筑设计相关业务的单位；",
            "取得资格证书超过3年申请初始注册的，应当达到继续教育要求；",
            "不存在不具有完全民事行为能力、因受刑事处罚或者因建筑设计质量事故受行政处罚未满规定期限、"
            "受吊销注册建筑师证书处罚未满5年等不予注册的情形。",
        ),
        "初始注册",
        20,
        20,
        [
            _identity(),
            _certificate("一级注册建筑师执业资格证书"),
            _contract("聘用单位"),
            _social_insurance(),
            _photo(),
            _form("一级注册建筑师初始注册申请表"),
            _continuing_education(required=False, note="取得资格证书超过3年的，提供达到继续教育要求的证明"),
        ],
    ),
    _person_item(
        "11100000000013338W1000117056002",
        "architect",
        "一级注册建筑师执业资格认定（延续注册）",
        "architect_renewal",
        ARCHITECT_BASIS,
        _lines(
            "持有在有效期内的一级注册建筑师注册证书；",
            "在注册有效期届满30日前提出延续注册申请；",
            "注册有效期内达到继续教育要求；",
            "仍受聘于原注册单位且不存在不予注册的情形。",
        ),
        "延续注册",
        10,
        20,
        [
            _identity(),
            _certificate("一级注册建筑师注册证书"),
            _continuing_education(),
            _contract("注册单位"),
            _photo(),
            _form("一级注册建筑师延续注册申请表"),
        ],
    ),
    _person_item(
        "11100000000013338W1000117056003",
        "architect",
        "一级注册建筑师执业资格认定（变更注册）",
        "architect_change_employer",
        ARCHITECT_BASIS,
        _lines(
            "注册有效期内变更执业单位，已与原聘用单位解除劳动关系；",
            "与新聘用单位签订劳动合同，新聘用单位具有工程设计资质或者从事建筑设计相关业务；",
            "不存在不予注册的情形。",
        ),
        "变更注册",
        10,
        20,
        [
            _identity(),
            _certificate("一级注册建筑师注册证书"),
            _release("原聘用单位"),
            _contract("新聘用单位"),
            _social_insurance(),
            _form("一级注册建筑师变更注册申请表"),
        ],
    ),
    _person_item(
        "11100000000013338W1000117056004",
        "architect",
        "一级注册建筑师执业资格认定（注销注册）",
        "architect_cancel",
        ARCHITECT_BASIS,
        _lines(
            "有下列情形之一的，应当申请注销注册：不具有完全民事行为能力，受刑事处罚，"
            "与聘用单位解除劳动关系，注册有效期满且未延续注册，本人主动申请注销等；",
            "申请人为注册证书记载的本人。",
        ),
        "注销注册",
        10,
        20,
        [
            _identity(),
            _certificate("一级注册建筑师注册证书"),
            _form("一级注册建筑师注销注册申请表"),
            _material("注销事由证明", "解除劳动合同证明、退休证明等，本人主动申请注销的无需提供", required=False),
        ],
    ),
]

# --- 勘察设计注册工程师、监理工程师、造价工程师 (online processing not open yet) ---------------

SURVEY_DESIGN_ITEMS = [
    _person_item(
        "11100000000013338W1000117057001",
        "survey_design_engineer",
        "勘察设计注册工程师执业资格认定（初始注册）",
        None,
        SURVEY_DESIGN_BASIS,
        _lines(
            "取得勘察设计注册工程师（注册结构工程师、注册土木工程师（岩土）、注册公用设备工程师、注册电气工程师、"
            "注册化工工程师等）资格证书；",
            "受聘于一个具有建设工程勘察、设计、施工、监理、招标代理、造价咨询等一项或者多项资质的单位；",
            "取得资格证书超过3年申请初始注册的，应当达到继续教育要求；",
            NO_REFUSAL_GROUNDS + "。",
        ),
        "初始注册",
        20,
        20,
        [
            _identity(),
            _certificate("勘察设计注册工程师资格证书"),
            _contract("聘用单位"),
            _social_insurance(),
            _photo(),
            _form("勘察设计注册工程师初始注册申请表"),
        ],
    ),
    _person_item(
        "11100000000013338W1000117057002",
        "survey_design_engineer",
        "勘察设计注册工程师执业资格认定（延续注册）",
        None,
        SURVEY_DESIGN_BASIS,
        _lines(
            "持有在有效期内的注册证书，在注册有效期届满30日前提出申请；",
            "注册有效期内达到继续教育要求；",
            "不存在不予注册的情形。",
        ),
        "延续注册",
        10,
        20,
        [
            _identity(),
            _certificate("勘察设计注册工程师注册证书"),
            _continuing_education(),
            _contract("注册单位"),
            _form("勘察设计注册工程师延续注册申请表"),
        ],
    ),
    _person_item(
        "11100000000013338W1000117057003",
        "survey_design_engineer",
        "勘察设计注册工程师执业资格认定（变更注册）",
        None,
        SURVEY_DESIGN_BASIS,
        _lines(
            "注册有效期内变更执业单位，已与原聘用单位解除劳动关系；",
            "与新聘用单位签订劳动合同，新聘用单位具有相应资质；",
            "不存在不予注册的情形。",
        ),
        "变更注册",
        10,
        20,
        [
            _identity(),
            _certificate("勘察设计注册工程师注册证书"),
            _release("原聘用单位"),
            _contract("新聘用单位"),
            _form("勘察设计注册工程师变更注册申请表"),
        ],
    ),
]

SUPERVISION_ITEMS = [
    _person_item(
        "11100000000013338W1000117058001",
        "supervision_engineer",
        "监理工程师执业资格认定（初始注册）",
        None,
        SUPERVISION_BASIS,
        _lines(
            "经全国统一考试合格，取得监理工程师职业资格证书；",
            "受聘于一个具有工程监理、勘察、设计、施工、招标代理、造价咨询等一项或者多项资质的单位；",
            "取得资格证书超过3年申请初始注册的，应当达到继续教育要求；",
            NO_REFUSAL_GROUNDS + "。",
        ),
        "初始注册",
        20,
        20,
        [
            _identity(),
            _certificate("监理工程师职业资格证书"),
            _contract("聘用单位"),
            _social_insurance(),
            _photo(),
            _form("监理工程师初始注册申请表"),
        ],
    ),
    _person_item(
        "11100000000013338W1000117058002",
        "supervision_engineer",
        "监理工程师执业资格认定（延续注册）",
        None,
        SUPERVISION_BASIS,
        _lines(
            "持有在有效期内的注册证书，在注册有效期届满30日前提出申请；",
            "注册有效期内达到继续教育要求；",
            "不存在不予注册的情形。",
        ),
        "延续注册",
        10,
        20,
        [
            _identity(),
            _certificate("监理工程师注册证书"),
            _continuing_education(),
            _contract("注册单位"),
            _form("监理工程师延续注册申请表"),
        ],
    ),
    _person_item(
        "11100000000013338W1000117058003",
        "supervision_engineer",
        "监理工程师执业资格认定（变更注册）",
        None,
        SUPERVISION_BASIS,
        _lines(
            "注册有效期内变更执业单位，已与原聘用单位解除劳动关系；",
            "与新聘用单位签订劳动合同，新聘用单位具有相应资质；",
            "不存在不予注册的情形。",
        ),
        "变更注册",
        10,
        20,
        [
            _identity(),
            _certificate("监理工程师注册证书"),
            _release("原聘用单位"),
            _contract("新聘用单位"),
            _social_insurance(),
            _form("监理工程师变更注册申请表"),
        ],
    ),
]

COST_ITEMS = [
    _person_item(
        "11100000000013338W1000117059001",
        "cost_engineer",
        "一级造价工程师执业资格认定（初始注册）",
        None,
        COST_BASIS,
        _lines(
            "取得一级造价工程师职业资格证书；",
            "受聘于一个工程造价咨询企业或者工程建设领域的建设、勘察设计、施工、招标代理、工程监理、"
            "工程造价管理等单位；",
            "取得资格证书超过1年申请初始注册的，应当提供继续教育合格证明；",
            "不存在不具有完全民事行为能力、申请在两个或者两个以上单位注册、受到刑事处罚未满规定期限等不予注册的情形。",
        ),
        "初始注册",
        20,
        20,
        [
            _identity(),
            _certificate("一级造价工程师职业资格证书"),
            _contract("聘用单位"),
            _social_insurance(),
            _photo(),
            _form("一级造价工程师初始注册申请表"),
        ],
    ),
    _person_item(
        "11100000000013338W1000117059002",
        "cost_engineer",
        "一级造价工程师执业资格认定（延续注册）",
        None,
        COST_BASIS,
        _lines(
            "持有在有效期内的注册证书，在注册有效期届满30日前提出申请；",
            "注册有效期内达到继续教育要求；",
            "不存在不予注册的情形。",
        ),
        "延续注册",
        10,
        20,
        [
            _identity(),
            _certificate("一级造价工程师注册证书"),
            _continuing_education(),
            _contract("注册单位"),
            _form("一级造价工程师延续注册申请表"),
        ],
    ),
    _person_item(
        "11100000000013338W1000117059003",
        "cost_engineer",
        "一级造价工程师执业资格认定（变更注册）",
        None,
        COST_BASIS,
        _lines(
            "注册有效期内变更执业单位，已与原聘用单位解除劳动关系；",
            "与新聘用单位签订劳动合同；",
            "不存在不予注册的情形。",
        ),
        "变更注册",
        10,
        20,
        [
            _identity(),
            _certificate("一级造价工程师注册证书"),
            _release("原聘用单位"),
            _contract("新聘用单位"),
            _form("一级造价工程师变更注册申请表"),
        ],
    ),
]

# --- 企业行政审批事项 (manual 四) ------------------------------------------------------------


def _licence():
    return _material("企业法人营业执照", "营业执照副本扫描件")


def _legal_rep_identity():
    return _material("法定代表人身份证明", "法定代表人居民身份证正反面扫描件")


CONSTRUCTION_ENTERPRISE_ITEMS = [
    _enterprise_item(
        "11100000000013338W1000117060001",
        "construction_enterprise",
        "建筑业企业资质认定（首次申请）",
        CONSTRUCTION_ENTERPRISE_BASIS,
        _lines(
            "依法取得工商行政管理部门颁发的企业法人营业执照；",
            "企业净资产满足申请资质类别和等级标准的要求；",
            "技术负责人及注册建造师、中级以上职称人员、现场管理人员、技术工人等满足资质标准要求，"
            "且在本企业缴纳社会保险；",
            "有与申请资质相适应的技术装备和厂房；",
            "企业申请资质前一年内无违法违规行为和重大质量安全事故。",
        ),
        "资质许可",
        20,
        20,
        [
            _form("建筑业企业资质申请表"),
            _licence(),
            _legal_rep_identity(),
            _material("企业章程", "加盖企业公章的企业章程扫描件", formats="pdf", max_size_mb=10),
            _material("企业净资产证明", "上一年度经审计的财务报表或者验资报告", formats="pdf", max_size_mb=20),
            _material("技术负责人资料", "身份证明、职称证书、注册执业资格证书及代表工程业绩证明", max_size_mb=20),
            _material(
                "注册执业人员及其他人员资料",
                "注册证书、职称证书、岗位证书及社会保险缴纳证明",
                formats="pdf",
                max_size_mb=50,
            ),
            _material(
                "主要技术装备及厂房证明",
                "设备购置发票或者租赁合同、厂房产权证明或者租赁合同，资质标准无要求的无需提供",
                required=False,
                max_size_mb=20,
            ),
        ],
        review_extra="，必要时组织专家评审（专家评审时间不计入审批时限）",
    ),
    _enterprise_item(
        "11100000000013338W1000117060002",
        "construction_enterprise",
        "建筑业企业资质认定（增项）",
        CONSTRUCTION_ENTERPRISE_BASIS,
        _lines(
            "已取得建筑业企业资质证书，申请增加其他类别的资质；",
            "企业资产、主要人员、技术装备满足增项资质标准要求；",
            "企业申请资质前一年内无违法违规行为和重大质量安全事故。",
        ),
        "资质许可",
        20,
        20,
        [
            _form("建筑业企业资质申请表"),
            _licence(),
            _material("已取得的建筑业企业资质证书", "资质证书正、副本扫描件"),
            _material("企业净资产证明", "上一年度经审计的财务报表", formats="pdf", max_size_mb=20),
            _material("技术负责人资料", "身份证明、职称证书、注册执业资格证书及代表工程业绩证明", max_size_mb=20),
            _material(
                "注册执业人员及其他人员资料",
                "与增项资质对应的注册证书、职称证书及社会保险缴纳证明",
                formats="pdf",
                max_size_mb=50,
            ),
        ],
        review_extra="，必要时组织专家评审（专家评审时间不计入审批时限）",
    ),
    _enterprise_item(
        "11100000000013338W1000117060003",
        "construction_enterprise",
        "建筑业企业资质认定（变更-遗失补办，企业名称、地址、注册资本、法定代表人等发生变更）",
        CONSTRUCTION_ENTERPRISE_BASIS,
        _lines(
            "企业在资质证书有效期内名称、地址、注册资本、法定代表人等发生变更，已在市场监督管理部门办理变更手续；",
            "资质证书遗失、损毁需要补办的，已声明原证书作废；",
            "变更后企业仍满足所持资质的资质标准要求。",
        ),
        "资质证书变更或者补办",
        5,
        10,
        [
            _form("建筑业企业资质证书变更（补办）申请表"),
            _licence(),
            _material(
                "市场监督管理部门核准变更证明",
                "企业名称、地址、注册资本、法定代表人等变更的核准通知书，仅补办证书的无需提供",
                required=False,
            ),
            _material("原建筑业企业资质证书", "资质证书正、副本扫描件；证书遗失的无需提供", required=False),
            _material("遗失声明", "刊登遗失声明的媒体版面或者网页截图，仅遗失补办时提供", required=False),
            _material("股东会或者董事会决议", "企业法定代表人变更时提供", required=False),
            _material("法定代表人身份证明", "法定代表人变更时提供新任法定代表人居民身份证正反面扫描件", required=False),
        ],
        online_kind="construction_enterprise_change",
    ),
]

# What the 一级资质核定系统 checks (《房地产开发企业资质管理规定》第五条), stated in the guide as checked.
REAL_ESTATE_CONDITIONS = _lines(
    "从事房地产开发经营5年以上（自企业登记的成立日期起算）；",
    "近3年房屋建筑面积累计竣工30万平方米以上（按申报的已竣工项目的竣工面积和竣工年份计算）；",
    "连续5年建筑工程质量合格率达100%，未发生过重大工程质量事故；",
    "有职称的建筑、结构、财务、房地产及有关经济类的专业管理人员不少于40人，其中具有中级以上职称的管理人员"
    "不少于20人，专职会计人员不少于4人；",
    "工程技术、财务、统计等业务负责人具有相应专业中级以上职称；",
    "具有完善的质量保证体系，商品住宅销售中实行了《住宅质量保证书》和《住宅使用说明书》制度。",
)
REAL_ESTATE_CERTIFICATE_DESCRIPTION = "已取得房地产开发企业资质的，提供现有资质证书正、副本扫描件"

REAL_ESTATE_ITEMS = [
    _enterprise_item(
        "11100000000013338W1000117061001",
        "real_estate",
        "房地产开发企业一级资质核定",
        REAL_ESTATE_BASIS,
        REAL_ESTATE_CONDITIONS,
        "资质核定",
        20,
        20,
        [
            _licence(),
            _legal_rep_identity(),
            _material("企业资质证书", REAL_ESTATE_CERTIFICATE_DESCRIPTION, required=False),
            _material("企业财务报表", "近3年经审计的财务报告", formats="pdf", max_size_mb=20),
            _material("开发经营业绩证明", "近3年已竣工项目的竣工验收备案证明等", formats="pdf", max_size_mb=50),
            _material(
                "专业管理人员证明", "专业管理人员的职称证书、劳动合同及社会保险缴纳证明", formats="pdf", max_size_mb=50
            ),
            _material(
                "质量保证体系文件",
                "企业质量管理制度、《住宅质量保证书》和《住宅使用说明书》样本",
                formats="pdf",
                max_size_mb=20,
            ),
        ],
        online_kind="real_estate_grade1",
        apply_text=REAL_ESTATE_APPLY,
    ),
]

ITEMS = (
    CONSTRUCTOR_ITEMS
    + ARCHITECT_ITEMS
    + SURVEY_DESIGN_ITEMS
    + SUPERVISION_ITEMS
    + COST_ITEMS
    + CONSTRUCTION_ENTERPRISE_ITEMS
    + REAL_ESTATE_ITEMS
)
