"""What demo learners write in the shipped banks' essay questions: an answer to each question, in
the words a civil servant would use. A learner who answers well writes all of it; one who does
not stops after the first sentence (and the grader has something to mark down).
"""

import random

#: Question name → a good answer (sentences separated by ". ").
ESSAY_ANSWERS = {
    "mot-cua-04-q6": (
        "Tôi sẽ mời ông Tuấn ngồi, lắng nghe hết ý kiến và nói: “Chúng tôi thành thật xin lỗi ông "
        "vì hồ sơ chưa có kết quả đúng hẹn, làm ông mất một buổi làm việc”. Tôi tra cứu ngay trên "
        "phần mềm một cửa và giải thích hồ sơ đang chờ kết quả xác minh ở cơ quan đất đai. Tôi "
        "giao ông văn bản xin lỗi và hẹn lại ngày trả kết quả của cơ quan để chậm, không hẹn "
        "miệng. Tôi đề nghị gửi kết quả qua bưu chính công ích hoặc gọi điện báo để ông không phải "
        "đi lại, hướng dẫn kênh phản ánh, kiến nghị nếu ông muốn. Sau đó tôi cập nhật ngày hẹn mới "
        "trên hệ thống và báo lãnh đạo trung tâm đôn đốc cơ quan xác minh."
    ),
    "mot-cua-06-q6": (
        "Trước hết tôi phân loại các đánh giá chưa hài lòng theo nguyên nhân: thái độ công chức, "
        "quy trình nội bộ chậm và quy định của thủ tục. Với thái độ, tổ chức rút kinh nghiệm từng "
        "trường hợp và nhắc áp dụng “4 rõ” khi hướng dẫn. Với quy trình, bố trí thêm quầy ưu tiên "
        "giờ cao điểm và theo dõi hồ sơ sắp đến hạn hằng ngày. Với quy định, tổng hợp kiến nghị "
        "gửi cơ quan rà soát thủ tục. Cuối tháng so sánh lại tỷ lệ chưa hài lòng để biết biện pháp "
        "nào có hiệu quả."
    ),
    "giao-tiep-cong-dan-04-q6": (
        "Tôi xin lỗi bà Sáu vì lần trước chưa hướng dẫn đủ, không đổ lỗi cho đồng nghiệp. Tôi kiểm "
        "tra toàn bộ hồ sơ một lượt và ghi mọi điểm còn thiếu lên một phiếu hướng dẫn có ký tên, "
        "để bà chỉ phải bổ sung một lần. Tôi giải thích vì sao cần chữ ký của người đồng sở hữu và "
        "cách bổ sung qua bưu chính hoặc trực tuyến nếu được. Để không lặp lại, tôi đề xuất đơn vị "
        "dùng danh mục kiểm tra hồ sơ cho từng thủ tục và đối chiếu trước khi trả lại hồ sơ."
    ),
    "giao-tiep-cong-dan-06-q6": (
        "Theo số liệu của xã Tân Lập, vấn đề lớn nhất là thời gian chờ tại quầy: 33 trên 60 lượt "
        "chưa hài lòng, tức 55%. Nguyên nhân gốc có thể là người dân dồn đến buổi sáng thứ Hai "
        "trong khi chỉ mở hai quầy. Giải pháp là mở thêm một quầy buổi sáng thứ Hai, do Phó Chủ "
        "tịch phụ trách, thực hiện từ đầu tháng sau. Tháng sau đo lại tỷ lệ chưa hài lòng và thời "
        "gian chờ trung bình để kiểm tra kết quả."
    ),
    "ky-nang-cntt-03-q7": (
        "Tôi cùng bà Hoa tra đúng thủ tục trên Cổng Dịch vụ công quốc gia, xem cơ quan giải quyết "
        "và thủ tục làm toàn trình hay một phần. Tôi hướng dẫn bà lấy lại mật khẩu tài khoản định "
        "danh điện tử trên ứng dụng VNeID bằng số điện thoại của chính bà. Sau đó hướng dẫn bà "
        "điền tờ khai, đính kèm giấy tờ, nộp phí trực tuyến và ghi lại mã hồ sơ để tự tra cứu tại "
        "nhà. Tôi không được hỏi hay ghi lại mật khẩu của bà và không được tự thao tác nộp thay "
        "khi bà chưa đồng ý."
    ),
    "ky-nang-cntt-06-q7": (
        "Ngay khi phát hiện, đồng nghiệp thu hồi hoặc xóa tin nhắn nếu còn được và đề nghị các "
        "thành viên trong nhóm xóa tệp đã nhận. Tôi báo ngay lãnh đạo và người phụ trách bảo vệ dữ "
        "liệu cá nhân của cơ quan để đánh giá mức độ và thông báo vi phạm theo quy định về bảo vệ "
        "dữ liệu cá nhân. Để không lặp lại, cơ quan chỉ chia sẻ danh sách qua hệ thống nội bộ có "
        "phân quyền, đặt mật khẩu cho tệp và không dùng nhóm nhắn tin có người ngoài cho công việc."
    ),
    "ra-soat-tthc-04-q8": (
        "Nội dung: bỏ yêu cầu nộp bản sao giấy khai sinh và giấy xác nhận cư trú. Lý do: các "
        "thông tin này đã có trong Cơ sở dữ liệu quốc gia về dân cư và Cơ sở dữ liệu hộ tịch, công "
        "chức khai thác được. Kiến nghị thực thi: sửa quy định về thành phần hồ sơ và hướng dẫn "
        "công chức tiếp nhận tra cứu dữ liệu. Lợi ích: giảm chi phí tuân thủ cho người dân; chị "
        "Mai cần thu thập số hồ sơ mỗi năm, chi phí và thời gian xin mỗi loại giấy tờ."
    ),
    "ra-soat-tthc-06-q8": (
        "Tôi vẽ lại quy trình hiện tại, đánh dấu những bước chỉ để kiểm tra giấy tờ nay đã thay "
        "bằng dữ liệu. Tôi thiết kế biểu mẫu điện tử tự điền thông tin từ cơ sở dữ liệu và cấu "
        "hình lại quy trình trên hệ thống giải quyết thủ tục hành chính. Tôi công khai thành phần "
        "hồ sơ mới tại quầy và trên Cổng Dịch vụ công, tập huấn công chức tiếp nhận. Sau khi áp "
        "dụng, theo dõi tỷ lệ hồ sơ trực tuyến, thời gian giải quyết và số hồ sơ phải bổ sung."
    ),
}

#: For an essay question the demo does not know (a bank a trainer added).
FALLBACK = (
    "Trước hết cần tiếp nhận, lắng nghe và ghi nhận đầy đủ ý kiến của người dân. Sau đó kiểm tra "
    "hồ sơ, giải thích rõ căn cứ pháp lý và hướng dẫn cụ thể các bước tiếp theo, có hẹn thời "
    "gian trả lời bằng văn bản."
)


def essay_answer(question_name: str, good: bool, rng: random.Random) -> str:
    """A learner's answer to the essay question: all of it when `good`, else its first one or
    two sentences."""
    text = ESSAY_ANSWERS.get(question_name, FALLBACK)
    if good:
        return text
    sentences = text.split(". ")
    return ". ".join(sentences[: rng.choice((1, 2))]).rstrip(".") + "."
