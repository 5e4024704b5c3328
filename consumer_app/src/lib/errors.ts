// API errors in plain words, by their stable code. The server's own `detail` (already in the
// request's language) is the fallback for codes not listed here.
import { lang } from "./i18n";

export class ApiProblem extends Error {
  constructor(
    public code: string,
    public status: number,
    public detail: string,
    public fields: Record<string, unknown> = {},
  ) {
    super(detail || code);
  }
}

const WORDS: Record<string, [string, string]> = {
  offline: ["网络不可用，请检查网络后重试。", "No network: check your connection and try again."],
  service_unavailable: ["服务暂时不可用，请稍后再试。", "The service is busy; try again shortly."],
  server_error: ["服务出错了，请稍后再试。", "Something went wrong on our side; try again."],
  throttled: ["操作太频繁，请稍后再试。", "Too many tries; wait a moment."],
  not_authenticated: ["请先登录。", "Please sign in."],
  token_not_valid: ["登录已过期，请重新登录。", "Your sign-in expired; sign in again."],
  invalid_credentials: ["手机号或密码不对。", "Wrong phone number or password."],
  login_locked: ["密码错误次数过多，请 15 分钟后再试。", "Too many wrong passwords; try again in 15 minutes."],
  phone_taken: ["这个手机号已经注册，请直接登录。", "This phone number is registered; sign in instead."],
  weak_password: ["密码太简单，请换一个更长的密码。", "That password is too simple; choose a longer one."],
  payment_declined: ["支付没有成功，没有扣款。", "The payment was declined; nothing was charged."],
  payment_gateway_unavailable: ["支付渠道暂时不可用，没有扣款，请稍后再试。", "The payment service is unavailable; nothing was charged."],
  slot_full: ["这个时段已约满，请选择其他时段。", "That time is fully booked; choose another."],
  cancel_too_late: ["服务已开始，不能取消。", "The service has started; it can no longer be cancelled."],
  claim_limit_reached: ["这张券您已领到上限。", "You already hold as many of these coupons as allowed."],
  sold_out: ["券已领完。", "All coupons are gone."],
  card_already_held: ["您已经有这家的会员卡。", "You already hold this shop's card."],
  card_password_wrong: ["消费密码不对。", "Wrong consumption password."],
  card_password_required: ["使用积分需要输入消费密码。", "Using points needs your consumption password."],
  card_spending_locked: ["消费密码错误次数过多，卡已暂时锁定。", "Too many wrong passwords; spending is locked for a while."],
  insufficient_points: ["积分不够。", "Not enough points."],
  login_password_wrong: ["登录密码不对。", "Wrong login password."],
  public_service_not_bookable: ["公共服务网点不能在线预订。", "Public services cannot be booked online."],
  captcha_invalid: ["图形验证码不对，请重新输入。", "Wrong picture code; try the new one."],
  sms_code_too_soon: ["验证码发送太频繁，请稍后再试。", "A code was just sent; wait a moment."],
  sms_code_invalid: ["短信验证码不对或已过期。", "Wrong or expired SMS code."],
  sms_code_exhausted: ["验证码错误次数过多，请重新获取。", "Too many wrong codes; ask for a new one."],
  reauthentication_failed: ["密码或验证码不对，未能确认是您本人。", "Wrong password or code; we could not confirm it is you."],
  deletion_blocked: ["还有未完成的订单或售后，请先处理。", "Settle your open orders and disputes first."],
  location_consent_required: ["需要先允许使用位置信息（我的 → 隐私与授权）。", "Allow the use of your location first (Me → Privacy)."],
  export_link_invalid: ["下载链接已失效，请重新申请导出。", "The link has expired; request a new export."],
  not_found: ["找不到该内容，可能已被删除。", "Not found; it may have been removed."],
  permission_denied: ["没有权限进行此操作。", "You may not do this."],
};

export function explain(problem: unknown): string {
  const en = lang.value === "en";
  if (problem instanceof ApiProblem) {
    const words = WORDS[problem.code];
    if (words) return en ? words[1] : words[0];
    const first = Object.values(problem.fields).flat()[0];
    if (["invalid", "validation_error"].includes(problem.code) && typeof first === "string") return `${problem.detail} ${first}`;
    if (problem.detail) return problem.detail;
    if (problem.status >= 500) return en ? WORDS.server_error[1] : WORDS.server_error[0];
    return problem.code;
  }
  return en ? WORDS.server_error[1] : WORDS.server_error[0];
}
