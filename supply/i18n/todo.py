"""Placeholder descriptions of pages that are not built yet (removed as pages land)."""

STRINGS = {
    "map.page_todo": ("产业带地图（工厂点位、密度、县域分级图）", "the cluster map (factory points, density, county choropleth)"),
    "capacity.page_todo": ("协会产能报告", "the association capacity report"),
    "demand.page_todo": ("校服需求采集与汇总", "school-uniform demand intake and pooling"),
    "planning.page_todo": ("拼单生产分配计划", "the pooled production plan"),
    "inventory.page_todo": ("库存削减模型", "the inventory-reduction model"),
    "my_factory.page_todo": ("工厂主的产能日历、订单与导出", "the factory owner's calendar, orders and exports"),
    "data.page_todo": ("数据上传、字段映射与校验", "upload, column mapping and validation"),
    "history.page_todo": ("快照历史与差异", "snapshot history and diff"),
}
