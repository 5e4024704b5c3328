// Simplified Chinese first, English on a switch; the choice is kept on the device (not personal).
import { ref } from "vue";
import { Locale } from "vant";
import enUS from "vant/es/locale/lang/en-US";
import zhCN from "vant/es/locale/lang/zh-CN";

export type Lang = "zh" | "en";
const stored = localStorage.getItem("o2o:lang");
export const lang = ref<Lang>(stored === "en" ? "en" : "zh");

const en: Record<string, string> = {
  发现: "Discover", 订单: "Orders", 优惠券: "Coupons", 会员卡: "Cards", 我的: "Me",
  登录: "Sign in", 注册: "Register", 退出登录: "Sign out", 手机号: "Phone number",
  密码: "Password", 昵称: "Name", "没有账号？注册": "No account? Register", "已有账号？登录": "Have an account? Sign in",
  搜索商户或服务: "Search shops or services", 搜索: "Search", 附近: "Nearby", 地图: "Map", 列表: "List",
  距离最近: "Nearest", 评分最高: "Top rated", 最相关: "Most relevant", 营业中: "Open now",
  全部: "All", 价位: "Price", 排序: "Sort", 加载中: "Loading…", 没有更多了: "No more",
  附近限时抢: "Flash deals near me", 领取: "Claim", 已领取: "Claimed", 搜索此区域: "Search this area",
  没有找到商户: "No shops found", 定位: "Location", 使用当前位置: "Use my location",
  输入地点: "Type a place", 地点: "Place", 确定: "OK", 取消: "Cancel", 重试: "Retry",
  无法获取位置: "Location not available: type a place", 条评价: "reviews", 条认证: "verified",
  营业时间: "Hours", 今天: "Today", 休息: "Closed", 服务与价格: "Services and prices",
  评价: "Reviews", 已消费认证: "Verified purchase", 商家回复: "Shop's reply", 可领优惠券: "Coupons to claim",
  申请会员卡: "Apply for the card", 购买: "Buy", 预约: "Book", 照片: "Photos", 节假日: "Holidays",
  选择时段: "Choose a time", 剩余: "left", 数量: "Quantity", 订单规则: "Order policy",
  会员价: "Member price", 使用积分: "Use points", 消费密码: "Consumption password",
  应付: "To pay", 去支付: "Pay", 支付成功: "Paid", 原价: "List price", 积分抵扣: "Points off",
  会员优惠: "Member discount", 全部订单: "All orders", 进行中: "Active", 订单码: "Order code",
  取消订单: "Cancel order", 确认已消费: "Mark as done", 申请售后: "Dispute", 写评价: "Write a review",
  原因: "Reason", 提交: "Submit", 评分: "Rating", 内容: "Text", 可使用: "Usable", 已使用: "Used",
  已过期: "Expired", 出示给店员扫码: "Show this to the cashier", 券码: "Code", 离线显示: "Offline: last saved",
  等级: "Level", 积分: "Points", 余额: "Balance", 明细: "History", 充值: "Top up", 充值金额: "Amount (yuan)",
  设置消费密码: "Set consumption password", 登录密码: "Login password", 新消费密码: "New 6-digit password",
  卡号: "Card number", 消息: "Inbox", 全部已读: "Mark all read", 未读: "unread",
  订阅: "Subscriptions", 我的地点: "My places", 活动区域: "My activity area", 通知设置: "Notifications",
  语言: "Language", 半径: "Radius (m)", 分类: "Category", 添加: "Add", 删除: "Delete", 家: "Home", 公司: "Work",
  标记: "Pin", 名称: "Name", 纬度: "Latitude", 经度: "Longitude", 关闭活动区域: "Use my activity area",
  重新计算: "Recompute", 站内信: "In-app", 短信: "SMS", 推送: "Push", 免打扰开始: "Quiet from",
  免打扰结束: "Quiet until", 每日推送上限: "Max pushes a day", 全部退订: "Unsubscribe from all",
  接收推送通知: "Push notifications",
  "此浏览器不支持推送通知。": "This browser does not support push notifications.",
  "应用的离线服务未就绪，暂不能接收推送通知。": "The app's service worker is not ready yet: push notifications are not available.",
  "此浏览器已禁止本应用的通知，可在浏览器设置中开启。": "Notifications from this app are blocked in this browser; allow them in its settings.",
  "本平台暂未开通网页推送。": "Web push is not available on this platform.",
  保存: "Save", 已保存: "Saved", 请先登录: "Please sign in", 网络已断开: "Offline",
  核销成功: "Redeemed", 已记录消费: "Purchase recorded", 已消费: "Consumed", 开启推送: "Enable push",
  待审核: "Pending", 暂无: "Nothing yet", 元: "yuan", 分钟: "min", 店铺: "Shop",
  免费取消: "Free cancellation", 需商家接单: "The shop accepts within", 代金券有效期: "Voucher valid for",
  天: "days", 爽约费: "No-show fee", 晚取消费: "Late cancellation fee", 上门服务: "Home service",
  到店服务: "In-shop service", 出示二维码: "Show QR", 用法: "How to use", 有效期: "Valid",
  短信登录: "SMS code", 密码登录: "Password", 图形验证码: "Picture code", 短信验证码: "SMS code",
  获取验证码: "Send code", 请填写手机号和图形验证码: "Enter your phone and the picture code",
  请先阅读并同意用户协议和隐私政策: "Please read and accept the terms and the privacy policy",
  我已阅读并同意: "I have read and accept", 请同意更新后的条款: "Please accept the updated terms",
  同意并继续: "Accept and continue", 用登录密码: "With my password", 用短信验证码: "With an SMS code",
  验证码已发送: "Code sent", 重新获取: "Send again", 请重新获取短信验证码: "Ask for a new SMS code to sign in", 隐私与授权: "Privacy and permissions", 我的授权: "What I agreed to",
  已同意: "Accepted", 已撤回: "Withdrawn", 未同意: "Not accepted", 撤回: "Withdraw", 同意: "Accept",
  位置信息: "Location", 允许使用我的位置: "Allow use of my location",
  "用于签到、推断您的活动区域和按活动区域推送的订阅。关闭后这些功能停止，相关数据将被删除。": "Used for check-ins, your activity area and subscriptions around it. Switching it off stops them and deletes those data.",
  "关闭后将删除签到、活动区域和周边订阅，确定吗？": "This deletes your check-ins, activity area and subscriptions around it. Go on?",
  "撤回后将无法继续使用本服务，确定撤回吗？": "Without it you can no longer use the service. Withdraw?",
  导出我的数据: "Export my data", 尚未导出: "Not exported yet", 导出状态: "Export", 准备中: "Preparing…",
  可下载: "Ready", 已下载: "Downloaded", "下载（仅一次）": "Download (once)",
  申请导出: "Request export", 注销账号: "Delete my account", 注销申请中: "Deletion requested",
  将于此时间后删除: "Erased after", 撤销注销: "Cancel deletion", 已撤销注销: "Deletion cancelled",
  已申请注销: "Deletion requested", 请先处理: "Settle first", 笔进行中的订单: "open orders", 笔售后: "open disputes",
  注销后将放弃: "Deleting gives up", 张卡的余额: "card balances", 张卡的积分: "card points", 张券: "coupons",
  我同意放弃: "I give them up", 申请注销: "Delete my account",
  "申请后进入等待期，到期后删除您的全部个人信息；等待期内再次登录或点“撤销注销”即可取消。": "After a waiting period everything personal is erased; signing in again or cancelling before then keeps the account.",
  会员卡邀请: "Card invitations", 接受: "Accept", 拒绝: "Decline", 已接受: "Accepted", 已拒绝: "Declined",
  我的订阅: "My subscriptions", 附近商户: "Shops near", 正在定位: "Locating…",
};

export function t(key: string): string {
  return lang.value === "en" ? (en[key] ?? key) : key;
}

export function setLang(value: Lang): void {
  lang.value = value;
  localStorage.setItem("o2o:lang", value);
  document.documentElement.lang = value === "en" ? "en" : "zh-CN";
  if (value === "en") Locale.use("en-US", enUS);
  else Locale.use("zh-CN", zhCN);
}

setLang(lang.value);
