"""What an upload of each table may contain: column kinds, required columns and
the header variants (Chinese and English) that map to each column automatically."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One uploadable column: how to parse it, whether it must be present, its header variants.

    Numeric ranges live in ``supply.data.schema.RANGES`` (checked on ingest and on edits).
    """

    kind: str  # id | text | int | float | date | week | bool | code | codes | list
    required: bool = False
    aliases: tuple[str, ...] = ()


_FACTORY_ID = (
    "工厂编号",
    "工厂id",
    "工厂代码",
    "企业编号",
    "企业id",
    "企业代码",
    "厂编号",
    "factoryid",
    "factory",
)
_SCHOOL_ID = ("学校编号", "学校id", "学校代码", "校编号", "schoolid", "school")
_CATEGORY = ("品类", "类别", "产品类别", "产品品类", "category")
_LON = ("经度", "lng", "lon", "long", "longitude", "x")
_LAT = ("纬度", "lat", "latitude", "y")
_ADCODE = ("区县代码", "县区代码", "行政区划代码", "区划代码", "行政区代码", "adcode", "countycode")
_SIZE = ("尺码", "号型", "尺寸", "规格", "size")
_SKU = ("款号", "货号", "款式编号", "sku", "style", "styleno")

SPECS: dict[str, dict[str, Field]] = {
    "factories": {
        "factory_id": Field("id", True, _FACTORY_ID + ("编号", "id")),
        "name": Field(
            "text",
            True,
            (
                "工厂名称",
                "企业名称",
                "名称",
                "厂名",
                "工厂",
                "企业",
                "公司名称",
                "name",
                "factoryname",
                "companyname",
            ),
        ),
        "cluster_id": Field("id", False, ("产业带", "产业带编号", "产业集群", "cluster", "clusterid")),
        "adcode": Field("id", False, _ADCODE),
        "town": Field("text", False, ("镇", "乡镇", "镇街", "街道", "所在镇", "town", "township")),
        "address": Field("text", False, ("地址", "详细地址", "企业地址", "工厂地址", "address", "addr")),
        "lon": Field("float", True, _LON),
        "lat": Field("float", True, _LAT),
        "categories": Field(
            "codes",
            False,
            ("主营品类", "品类", "产品类别", "类别", "主营产品", "categories", "category", "products"),
        ),
        "employees": Field(
            "int",
            False,
            ("员工数", "员工人数", "职工人数", "从业人数", "人数", "employees", "staff", "headcount"),
        ),
        "established_year": Field(
            "int",
            False,
            ("成立年份", "成立时间", "成立年", "founded", "established", "establishedyear", "yearfounded"),
        ),
        "association_member": Field(
            "bool", False, ("协会会员", "是否会员", "会员", "member", "associationmember")
        ),
        "pooled_planning": Field("bool", False, ("参与拼单", "拼单", "参与统筹", "pooled", "pooledplanning")),
        "certifications": Field(
            "list", False, ("认证", "资质认证", "证书", "certifications", "certificates")
        ),
        "moq_pieces": Field("int", False, ("起订量", "最小起订量", "moq", "moqpieces", "minimumorder")),
        "sample_days": Field("int", False, ("打样天数", "打样周期", "打样", "sampledays", "sample")),
        "bulk_lead_days": Field(
            "int",
            False,
            ("大货周期", "大货天数", "交期天数", "生产周期", "bulkleaddays", "leadtime", "leaddays"),
        ),
    },
    "capacity": {
        "factory_id": Field("id", True, _FACTORY_ID),
        "week_start": Field(
            "week",
            True,
            ("周", "周次", "周开始", "周一", "周起始日", "起始日期", "日期", "week", "weekstart", "weekof"),
        ),
        "category": Field("code", True, _CATEGORY),
        "capacity_pieces": Field(
            "int",
            True,
            ("产能", "周产能", "产量", "可用产能", "capacity", "capacitypieces", "weeklycapacity"),
        ),
        "booked_pieces": Field(
            "int",
            False,
            ("已接单", "已排产", "已订", "已占用", "占用产能", "booked", "bookedpieces"),
        ),
    },
    "orders": {
        "order_id": Field("id", True, ("订单号", "订单编号", "单号", "orderid", "order", "orderno")),
        "factory_id": Field("id", False, _FACTORY_ID),
        "buyer_id": Field(
            "id", False, ("买家", "买家编号", "客户", "客户编号", "采购方", "buyer", "buyerid", "customer")
        ),
        "buyer_type": Field("code", False, ("买家类型", "客户类型", "buyertype", "customertype")),
        "channel": Field("code", False, ("渠道", "订单类型", "channel")),
        "category": Field("code", True, _CATEGORY),
        "sku": Field("text", False, _SKU),
        "size": Field("text", False, _SIZE),
        "qty": Field("int", True, ("数量", "件数", "订单数量", "qty", "quantity", "pieces")),
        "unit_price": Field("float", False, ("单价", "价格", "unitprice", "price")),
        "order_date": Field("date", True, ("下单日期", "订单日期", "下单时间", "orderdate")),
        "due_date": Field(
            "date", True, ("交货日期", "交付日期", "交期", "到期日", "duedate", "deliverydate")
        ),
        "status": Field("code", False, ("状态", "订单状态", "status")),
    },
    "schools": {
        "school_id": Field("id", True, _SCHOOL_ID + ("编号", "id")),
        "name": Field("text", True, ("学校名称", "学校", "校名", "名称", "name", "schoolname")),
        "adcode": Field("id", False, _ADCODE),
        "lon": Field("float", True, _LON),
        "lat": Field("float", True, _LAT),
        "students": Field("int", False, ("学生数", "学生人数", "在校生", "在校生数", "students")),
        "stage": Field("code", False, ("学段", "stage")),
        "grade_min": Field("int", False, ("最低年级", "起始年级", "grademin", "gradefrom")),
        "grade_max": Field("int", False, ("最高年级", "结束年级", "grademax", "gradeto")),
        "classes_per_grade": Field("int", False, ("每年级班数", "班数", "classespergrade")),
    },
    "demand": {
        "request_id": Field("id", True, ("需求编号", "登记编号", "编号", "requestid", "id")),
        "school_id": Field("id", True, _SCHOOL_ID),
        "grade": Field("int", True, ("年级", "grade")),
        "class_name": Field("text", True, ("班级", "班级名称", "班", "class", "classname")),
        "garment": Field("code", True, ("服装", "校服款式", "款式", "品种", "校服", "garment")),
        "size": Field("text", True, _SIZE),
        "qty": Field("int", True, ("数量", "件数", "qty", "quantity")),
        "deadline": Field("date", True, ("截止日期", "交付期限", "到货日期", "交货日期", "deadline")),
        "collected_at": Field("date", False, ("采集日期", "登记日期", "collectedat", "collected")),
    },
    "inventory": {
        "factory_id": Field("id", True, _FACTORY_ID),
        "sku": Field("text", True, _SKU),
        "size": Field("text", True, _SIZE),
        "as_of": Field("date", False, ("盘点日期", "截至日期", "日期", "asof", "date")),
        "on_hand_pieces": Field(
            "int", True, ("库存", "库存数量", "在库", "现有库存", "onhand", "onhandpieces", "stock")
        ),
        "unit_cost": Field("float", False, ("单位成本", "成本", "成本价", "unitcost", "cost")),
    },
    "clusters": {
        "cluster_id": Field("id", True, ("产业带编号", "编号", "clusterid", "id")),
        "name_zh": Field("text", True, ("中文名称", "产业带名称", "名称", "namezh", "name")),
        "name_en": Field("text", True, ("英文名称", "nameen", "englishname")),
        "adcodes": Field("list", True, ("区县代码", "行政区划代码", "adcodes", "adcode")),
        "main_category": Field("code", True, ("主导品类", "主营品类", "maincategory", "category")),
        "association_name": Field("text", False, ("协会", "协会名称", "association", "associationname")),
        "source": Field("text", False, ("来源", "source")),
    },
}

# Which tables each role may upload (DESIGN.md section 6).
ROLE_TABLES: dict[str, tuple[str, ...]] = {  # most frequent upload first
    "admin": ("capacity", "orders", "factories", "inventory", "demand", "schools", "clusters"),
    "association": ("capacity", "orders", "factories", "inventory", "demand"),
    "factory": ("capacity", "orders"),
    "planner": (),
}

_PAREN = re.compile(r"[（(\[【].*?[)）\]】]")
_PUNCT = re.compile(r"[\s_\-.:/\\：·]+")


def norm_header(header: str) -> str:
    """A header reduced for matching: half-width, lower case, units in brackets and punctuation removed."""
    s = unicodedata.normalize("NFKC", header or "").lower()
    s = _PAREN.sub("", s)
    return _PUNCT.sub("", s)


def required(table: str) -> list[str]:
    """The columns an upload of ``table`` must map (or be given a default for)."""
    return [c for c, f in SPECS[table].items() if f.required]
